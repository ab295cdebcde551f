using Microsoft.Data.Sqlite;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// An import on SQLite: a large page cache for the transaction (<see cref="NewsletterDatabase.UseBulkCacheAsync"/>),
/// new rows through <see cref="SqliteBulkInserter"/>, the per-row membership count trigger replaced by
/// <see cref="MembershipCounts"/> added once per batch, and a repeated address found by its conflict with a row this
/// import inserted (ids above the largest before it) instead of a set of every address in memory.
/// </summary>
internal sealed class SqliteImportSession : SqlImportSession
{
    // The trigger that counts each inserted membership (migration 0002); see MembershipCounts.
    private const string CountTrigger = "trg_subscriber_segments_insert";

    private readonly MembershipCounts _counts;
    private readonly SqliteBulkInserter _inserter;
    private readonly string _countTriggerSql;
    private readonly IAsyncDisposable _bulkCache;

    private SqliteImportSession(SqliteConnection connection, SqliteTransaction transaction, TimeProvider time, MembershipCounts counts,
        string countTriggerSql, IAsyncDisposable bulkCache, long lastId)
        : base(connection, transaction, time, counts)
    {
        _counts = counts;
        _countTriggerSql = countTriggerSql;
        _bulkCache = bulkCache;
        _inserter = new SqliteBulkInserter(connection, counts, lastId);
    }

    public static async Task<SqliteImportSession> BeginAsync(SqliteConnection connection, TimeProvider time, CancellationToken ct)
    {
        var bulkCache = await NewsletterDatabase.UseBulkCacheAsync(connection, ct);
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            // DDL is transactional in SQLite: the trigger is gone only inside this transaction (no other writer can
            // run meanwhile, readers keep seeing it), and a rollback brings it back with everything else.
            await using var read = connection.Command("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = @n", transaction)
                .With("@n", CountTrigger);
            var triggerSql = await read.ExecuteScalarAsync(ct) as string
                ?? throw new InvalidOperationException($"the database has no trigger {CountTrigger} (migration 0002)");
            await using var drop = connection.Command($"DROP TRIGGER {CountTrigger}", transaction);
            await drop.ExecuteNonQueryAsync(ct);
            // Rows with a larger id are this import's (the transaction writes alone): a conflict with one is a repeat.
            await using var last = connection.Command("SELECT COALESCE(MAX(id), 0) FROM subscribers", transaction);
            var lastId = Convert.ToInt64(await last.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            return new SqliteImportSession(connection, transaction, time, new MembershipCounts(), triggerSql, bulkCache, lastId);
        }
        catch
        {
            await transaction.DisposeAsync();
            await bulkCache.DisposeAsync();
            throw;
        }
    }

    protected override bool FindsNewRows => true;

    protected override bool TryGetNewRowLine(long id, out int line) => _inserter.TryGetLine(id, out line);

    protected override Task<bool[]> InsertNewAsync(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_inserter.Insert(rows, now));

    protected override Task AfterBatchAsync(CancellationToken ct) => _counts.FlushAsync(Connection, Transaction, ct);

    protected override async Task BeforeCommitAsync(CancellationToken ct)
    {
        await _counts.FlushAsync(Connection, Transaction, ct);
        await using var restore = Connection.Command(_countTriggerSql, Transaction);
        await restore.ExecuteNonQueryAsync(ct);
    }

    protected override async ValueTask DisposeTransactionAsync()
    {
        _inserter.Dispose();
        // A rollback brings the dropped trigger back with everything else.
        await base.DisposeTransactionAsync();
        await _bulkCache.DisposeAsync();   // the import's large page cache goes before the connection is pooled
    }
}
