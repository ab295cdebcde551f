using System.Data.Common;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// One import in one transaction. A single transaction (rather than batches) because it is the only way that a failure
/// in row 900,000 leaves nothing behind without compensating deletes; SQLite writes a million rows in one
/// transaction in seconds, and WAL readers keep reading the previous state meanwhile, as do PostgreSQL readers.
/// </summary>
internal sealed class SqlImportSession : ISubscriberImportSession
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly SubscriberWriter _writer;
    private readonly bool _anySuppressed;

    // SQLite runs in-process, so a prepared single-row statement costs no round trip, while a many-parameter statement
    // pays for SQLite's linear search of parameter names; PostgreSQL gains from fewer round trips.
    private readonly bool _multiRowInserts;
    private DbCommand? _suppressed;
    private bool _committed;

    private SqlImportSession(DbConnection connection, DbTransaction transaction, SubscriberWriter writer, bool anySuppressed, bool multiRowInserts)
    {
        _multiRowInserts = multiRowInserts;
        _connection = connection;
        _transaction = transaction;
        _writer = writer;
        _anySuppressed = anySuppressed;
    }

    private IAsyncDisposable? _bulk;

    public static async Task<SqlImportSession> StartAsync(DbConnection connection, DatabaseProvider provider, TimeProvider time, CancellationToken ct)
    {
        var bulk = await NewsletterDatabase.UseBulkCacheAsync(connection, ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        await using var count = connection.Command("SELECT COUNT(*) FROM suppressions", transaction);
        var anySuppressed = Convert.ToInt64(await count.ExecuteScalarAsync(ct)) > 0;
        return new SqlImportSession(connection, transaction, new SubscriberWriter(connection, transaction, time), anySuppressed,
            multiRowInserts: provider == DatabaseProvider.Postgres) { _bulk = bulk };
    }

    public async Task<ImportOutcome> ApplyAsync(SubscriberDraft draft, bool update, CancellationToken ct = default) =>
        (await ApplyBatchAsync([draft], update, ct))[0];

    public async Task<IReadOnlyList<ImportOutcome>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        ObjectDisposedException.ThrowIf(_committed, this);
        var outcomes = new ImportOutcome[drafts.Count];
        var rows = new SubscriberDraft[drafts.Count];
        var toInsert = new List<int>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            if (!EmailAddress.TryNormalize(drafts[i].Email, out var email, out var error))
            {
                throw new AudienceException(error);
            }
            rows[i] = drafts[i] with { Email = email };
            if (_anySuppressed && await IsSuppressedAsync(email, ct))
            {
                outcomes[i] = ImportOutcome.Suppressed;
            }
            else
            {
                toInsert.Add(i);
            }
        }

        if (_multiRowInserts)
        {
            // One multi-row INSERT for the batch; the addresses it did not insert exist already and are handled one by one.
            var inserted = await _writer.InsertBatchAsync(toInsert.Select(i => rows[i]).ToList(), ct);
            foreach (var i in toInsert)
            {
                outcomes[i] = inserted.Contains(rows[i].Email) ? ImportOutcome.Imported : await ApplyExistingAsync(rows[i], update, ct);
            }
        }
        else
        {
            foreach (var i in toInsert)
            {
                outcomes[i] = await _writer.InsertAsync(rows[i], null, ct) is not null
                    ? ImportOutcome.Imported
                    : await ApplyExistingAsync(rows[i], update, ct);
            }
        }
        return outcomes;
    }

    private async Task<ImportOutcome> ApplyExistingAsync(SubscriberDraft row, bool update, CancellationToken ct)
    {
        var stored = await _writer.FindAsync(row.Email, ct)
            ?? throw new InvalidOperationException($"{row.Email} conflicted on insert but cannot be read");
        if (stored.Status != SubscriberStatus.Active)
        {
            return ImportOutcome.Suppressed;
        }
        if (!update)
        {
            return ImportOutcome.Unchanged;
        }
        var statusChange = row.Status != SubscriberStatus.Active;
        if (!statusChange && Same(stored, row))
        {
            return ImportOutcome.Unchanged;
        }
        await _writer.UpdateFieldsAsync(stored.Id, row, ct, withStatus: statusChange);
        return ImportOutcome.Updated;
    }

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await _transaction.CommitAsync(ct);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Without a commit, disposing the transaction rolls the whole import back.
        await _writer.DisposeAsync();
        if (_suppressed is not null) await _suppressed.DisposeAsync();
        await _transaction.DisposeAsync();
        if (_bulk is not null) await _bulk.DisposeAsync();   // the import's large page cache goes before the connection is pooled
        await _connection.DisposeAsync();
    }

    private async Task<bool> IsSuppressedAsync(string email, CancellationToken ct)
    {
        _suppressed ??= _connection.Command("SELECT COUNT(*) FROM suppressions WHERE email_sha256 = @h", _transaction);
        return Convert.ToInt64(await _suppressed.With("@h", SqlSubscriberStore.SuppressionHash(email)).ExecuteScalarAsync(ct)) > 0;
    }

    // Salutations compare as shown: a stored override equal to the derived text is the same as none.
    private static bool Same(StoredRow stored, SubscriberDraft row) =>
        stored.Name == row.Name.Trim() && stored.Organisation == Blank(row.Organisation) && stored.Title == Blank(row.Title) &&
        stored.District == Blank(row.District) && SameSet(stored.Segments, row.Segments) && SameSet(stored.Industries, row.Industries) &&
        (stored.Salutation ?? Salutation.Derive(stored.Name, stored.Title)) == (Blank(row.Salutation) ?? Salutation.Derive(row.Name.Trim(), Blank(row.Title)));

    private static bool SameSet(string joined, IReadOnlyList<string> values) =>
        SqlSubscriberStore.SplitJoined(joined).ToHashSet().SetEquals(values);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
