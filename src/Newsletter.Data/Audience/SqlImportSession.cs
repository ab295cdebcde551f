using System.Data.Common;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// One import in one transaction. A single transaction (rather than batches) because it is the only way that a failure
/// in row 900,000 leaves nothing behind without compensating deletes; WAL readers keep reading the previous state
/// meanwhile, as do PostgreSQL readers. New rows go in per batch (<see cref="SqliteBulkInserter"/>,
/// <see cref="PostgresBulkInserter"/>); addresses already on the list are compared and updated one by one.
/// </summary>
internal sealed class SqlImportSession : ISubscriberImportSession
{
    // The trigger that counts each inserted membership (migration 0002); SQLite only, see MembershipCounts.
    private const string SqliteCountTrigger = "trg_subscriber_segments_insert";

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly SubscriberWriter _writer;
    private readonly TimeProvider _time;
    private readonly bool _anySuppressed;
    private readonly SqliteBulkInserter? _sqlite;
    private readonly PostgresBulkInserter? _postgres;
    private readonly MembershipCounts? _counts;
    private readonly string? _countTriggerSql;
    private DbCommand? _suppressed;
    private bool _committed;

    private SqlImportSession(DbConnection connection, DbTransaction transaction, TimeProvider time, bool anySuppressed,
        MembershipCounts? counts, string? countTriggerSql)
    {
        _connection = connection;
        _transaction = transaction;
        _time = time;
        _anySuppressed = anySuppressed;
        _counts = counts;
        _countTriggerSql = countTriggerSql;
        _writer = new SubscriberWriter(connection, transaction, time) { Counts = counts };
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            _sqlite = new SqliteBulkInserter(sqlite, counts!);
        }
        else
        {
            _postgres = new PostgresBulkInserter((Npgsql.NpgsqlConnection)connection, (Npgsql.NpgsqlTransaction)transaction);
        }
    }

    private IAsyncDisposable? _bulk;

    public static async Task<SqlImportSession> StartAsync(DbConnection connection, DatabaseProvider provider, TimeProvider time, CancellationToken ct)
    {
        var bulk = await NewsletterDatabase.UseBulkCacheAsync(connection, ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var count = connection.Command("SELECT COUNT(*) FROM suppressions", transaction);
            var anySuppressed = Convert.ToInt64(await count.ExecuteScalarAsync(ct)) > 0;
            MembershipCounts? counts = null;
            string? triggerSql = null;
            if (provider == DatabaseProvider.Sqlite)
            {
                // DDL is transactional in SQLite: the trigger is gone only inside this transaction (no other writer can
                // run meanwhile, readers keep seeing it), and a rollback brings it back with everything else.
                await using var read = connection.Command("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = @n", transaction)
                    .With("@n", SqliteCountTrigger);
                triggerSql = await read.ExecuteScalarAsync(ct) as string
                    ?? throw new InvalidOperationException($"the database has no trigger {SqliteCountTrigger} (migration 0002)");
                await using var drop = connection.Command($"DROP TRIGGER {SqliteCountTrigger}", transaction);
                await drop.ExecuteNonQueryAsync(ct);
                counts = new MembershipCounts();
            }
            return new SqlImportSession(connection, transaction, time, anySuppressed, counts, triggerSql) { _bulk = bulk };
        }
        catch
        {
            await transaction.DisposeAsync();
            await bulk.DisposeAsync();
            throw;
        }
    }

    public async Task<ImportOutcome> ApplyAsync(SubscriberDraft draft, bool update, CancellationToken ct = default) =>
        (await ApplyBatchAsync([draft], update, ct))[0];

    public async Task<IReadOnlyList<ImportOutcome>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        ObjectDisposedException.ThrowIf(_committed, this);
        var outcomes = new ImportOutcome[drafts.Count];
        var toInsert = new List<int>(drafts.Count);
        var rows = new List<SubscriberDraft>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            if (!EmailAddress.TryNormalize(drafts[i].Email, out var email, out var error))
            {
                throw new AudienceException(error);
            }
            var row = email == drafts[i].Email ? drafts[i] : drafts[i] with { Email = email };
            if (_anySuppressed && await IsSuppressedAsync(email, ct))
            {
                outcomes[i] = ImportOutcome.Suppressed;
            }
            else
            {
                toInsert.Add(i);
                rows.Add(row);
            }
        }

        var now = _time.GetUtcNow();
        var inserted = _sqlite is not null ? _sqlite.Insert(rows, now) : await _postgres!.InsertAsync(rows, now, ct);
        for (var j = 0; j < rows.Count; j++)
        {
            // The addresses the insert skipped exist already: compared (and updated) one by one.
            outcomes[toInsert[j]] = inserted[j] ? ImportOutcome.Imported : await ApplyExistingAsync(rows[j], update, ct);
        }
        if (_counts is not null)
        {
            await _counts.FlushAsync(_connection, _transaction, ct);
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
        if (_counts is not null)
        {
            await _counts.FlushAsync(_connection, _transaction, ct);
            await using var restore = _connection.Command(_countTriggerSql!, _transaction);
            await restore.ExecuteNonQueryAsync(ct);
        }
        await _transaction.CommitAsync(ct);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Without a commit, disposing the transaction rolls the whole import back (the dropped trigger included).
        _sqlite?.Dispose();
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
