using Newsletter.Core.Audience;
using Npgsql;

namespace Newsletter.Data.Audience;

/// <summary>
/// An import on PostgreSQL: per batch one query sorts the addresses into known and new; the new subscribers and their
/// memberships are written by binary COPY and one INSERT every 10,000 rows and before the commit
/// (<see cref="PostgresBulkInserter"/>); the membership counts need nothing, their triggers run once per statement
/// (migration 0900).
/// </summary>
internal sealed class PostgresImportSession : SqlImportSession
{
    private readonly PostgresBulkInserter _inserter;

    private PostgresImportSession(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeProvider time)
        : base(connection, transaction, time) =>
        _inserter = new PostgresBulkInserter(connection, transaction);

    public static async Task<PostgresImportSession> BeginAsync(NpgsqlConnection connection, TimeProvider time, CancellationToken ct) =>
        new(connection, await connection.BeginTransactionAsync(ct), time);

    protected override Task<bool[]> InsertNewAsync(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now, CancellationToken ct) =>
        _inserter.InsertAsync(rows, now, ct);

    // New rows not yet written are written before the commit (a dry run, never committed, writes none of them).
    protected override Task BeforeCommitAsync(CancellationToken ct) => _inserter.FlushAsync(ct);
}
