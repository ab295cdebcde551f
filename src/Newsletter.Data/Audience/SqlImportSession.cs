using System.Data.Common;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// One import in one transaction. A single transaction (rather than batches) because it is the only way that a failure
/// in row 900,000 leaves nothing behind without compensating deletes; WAL readers keep reading the previous state
/// meanwhile, as do PostgreSQL readers. New rows go in per batch, the way each database does it best
/// (<see cref="SqliteImportSession"/>, <see cref="PostgresImportSession"/> override <see cref="InsertNewAsync"/>);
/// addresses already on the list are compared and updated one by one, the same on both.
/// </summary>
internal abstract class SqlImportSession : ISubscriberImportSession
{
    private readonly TimeProvider _time;
    // The addresses this import has met, to answer a repeat as a duplicate of its first line: in memory (128 bits of
    // SHA-256 each, ~40 MB at a million) unless the subclass tells the rows it inserted by id (FindsNewRows).
    private readonly Dictionary<UInt128, int> _seen = [];
    // With FindsNewRows: the rows that were on the list before the import and that it met (id → line), and the
    // addresses of the suppression list it met — both only as many as such rows, not the whole file.
    private readonly Dictionary<long, int> _metExisting = [];
    private readonly Dictionary<string, int> _metSuppressed = new(StringComparer.Ordinal);
    private bool _anySuppressed;
    private DbCommand? _suppressed;
    private bool _committed;

    protected SqlImportSession(DbConnection connection, DbTransaction transaction, TimeProvider time, MembershipCounts? counts = null)
    {
        Connection = connection;
        Transaction = transaction;
        _time = time;
        Writer = new SubscriberWriter(connection, transaction, time) { Counts = counts };
    }

    protected DbConnection Connection { get; }

    protected DbTransaction Transaction { get; }

    private SubscriberWriter Writer { get; }

    /// <summary>The session for <paramref name="provider"/> on <paramref name="connection"/>, its transaction begun; it owns the connection.</summary>
    public static async Task<SqlImportSession> StartAsync(DbConnection connection, DatabaseProvider provider, TimeProvider time, CancellationToken ct)
    {
        SqlImportSession session = provider == DatabaseProvider.Sqlite
            ? await SqliteImportSession.BeginAsync((Microsoft.Data.Sqlite.SqliteConnection)connection, time, ct)
            : await PostgresImportSession.BeginAsync((Npgsql.NpgsqlConnection)connection, time, ct);
        try
        {
            await using var count = connection.Command("SELECT COUNT(*) FROM suppressions", session.Transaction);
            session._anySuppressed = Convert.ToInt64(await count.ExecuteScalarAsync(ct)) > 0;
            return session;
        }
        catch
        {
            await session.DisposeTransactionAsync();
            throw;
        }
    }

    /// <summary>
    /// Inserts the rows (addresses normalised; distinct unless <see cref="FindsNewRows"/>, when a repeat is a conflict with
    /// the row inserted first); for each true when inserted, false when its address exists.
    /// </summary>
    protected abstract Task<bool[]> InsertNewAsync(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// True when <see cref="TryGetNewRowLine"/> knows every row this import inserted: a repeated address is then found by
    /// the insert's conflict (the row it conflicts with is one of this import's) instead of a set of every address.
    /// </summary>
    protected virtual bool FindsNewRows => false;

    /// <summary>With <see cref="FindsNewRows"/>: whether this import inserted row <paramref name="id"/>, and from which line.</summary>
    protected virtual bool TryGetNewRowLine(long id, out int line)
    {
        line = 0;
        return false;
    }

    /// <summary>After each batch (its new and changed rows written).</summary>
    protected virtual Task AfterBatchAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Just before the commit.</summary>
    protected virtual Task BeforeCommitAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Releases what the subclass holds, then the transaction (rolled back unless committed).</summary>
    protected virtual async ValueTask DisposeTransactionAsync()
    {
        await Writer.DisposeAsync();
        if (_suppressed is not null) await _suppressed.DisposeAsync();
        await Transaction.DisposeAsync();
    }

    public async Task<ImportOutcome> ApplyAsync(SubscriberDraft draft, bool update, CancellationToken ct = default) =>
        (await ApplyBatchAsync([draft], update, ct))[0].Outcome;

    public async Task<IReadOnlyList<ImportResult>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        ObjectDisposedException.ThrowIf(_committed, this);
        var results = new ImportResult[drafts.Count];
        var toInsert = new List<int>(drafts.Count);
        var rows = new List<SubscriberDraft>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            if (!EmailAddress.TryNormalize(drafts[i].Email, out var email, out var error))
            {
                throw new AudienceException(error);
            }
            var row = email == drafts[i].Email ? drafts[i] : drafts[i] with { Email = email };
            if (!FindsNewRows)
            {
                var key = Hash(email);
                if (_seen.TryGetValue(key, out var first))
                {
                    results[i] = Duplicate(first);
                    continue;
                }
                _seen[key] = row.Line;
            }
            if (_anySuppressed && await IsSuppressedAsync(email, ct))
            {
                if (FindsNewRows && !_metSuppressed.TryAdd(email, row.Line))
                {
                    results[i] = Duplicate(_metSuppressed[email]);
                    continue;
                }
                results[i] = new ImportResult(ImportOutcome.Suppressed);
            }
            else
            {
                toInsert.Add(i);
                rows.Add(row);
            }
        }

        // With FindsNewRows a repeat within the batch reaches the insert too: it conflicts with the row inserted first.
        var inserted = await InsertNewAsync(rows, _time.GetUtcNow(), ct);
        for (var j = 0; j < rows.Count; j++)
        {
            // The addresses the insert skipped exist already: compared (and updated) one by one.
            results[toInsert[j]] = inserted[j] ? new ImportResult(ImportOutcome.Imported) : await ApplyExistingAsync(rows[j], update, ct);
        }
        await AfterBatchAsync(ct);
        return results;
    }

    private static ImportResult Duplicate(int firstLine) => new(ImportOutcome.Duplicate, firstLine);

    private async Task<ImportResult> ApplyExistingAsync(SubscriberDraft row, bool update, CancellationToken ct)
    {
        var stored = await Writer.FindAsync(row.Email, ct)
            ?? throw new InvalidOperationException($"{row.Email} conflicted on insert but cannot be read");
        if (FindsNewRows)
        {
            // The row it conflicts with came from this import (inserted, or met on the list by an earlier row): a repeat.
            if (TryGetNewRowLine(stored.Id, out var first) || _metExisting.TryGetValue(stored.Id, out first))
            {
                return Duplicate(first);
            }
            _metExisting[stored.Id] = row.Line;
        }
        if (stored.Status != SubscriberStatus.Active)
        {
            return new ImportResult(ImportOutcome.Suppressed);
        }
        if (!update)
        {
            return new ImportResult(ImportOutcome.Unchanged);
        }
        var statusChange = row.Status != SubscriberStatus.Active;
        if (!statusChange && Same(stored, row))
        {
            return new ImportResult(ImportOutcome.Unchanged);
        }
        await Writer.UpdateFieldsAsync(stored.Id, row, ct, withStatus: statusChange);
        return new ImportResult(ImportOutcome.Updated);
    }

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await BeforeCommitAsync(ct);
        await Transaction.CommitAsync(ct);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Without a commit, disposing the transaction rolls the whole import back.
        await DisposeTransactionAsync();
        await Connection.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<bool> IsSuppressedAsync(string email, CancellationToken ct)
    {
        _suppressed ??= Connection.Command("SELECT COUNT(*) FROM suppressions WHERE email_sha256 = @h", Transaction);
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

    // 128 bits of SHA-256: a million addresses in ~30 MB instead of ~100 MB of strings; a collision is not a practical concern.
    private static UInt128 Hash(string email)
    {
        Span<byte> digest = stackalloc byte[32];
        Span<byte> utf8 = stackalloc byte[EmailAddress.MaxLength * 3];
        System.Security.Cryptography.SHA256.HashData(utf8[..System.Text.Encoding.UTF8.GetBytes(email, utf8)], digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
