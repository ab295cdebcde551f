using Newsletter.Core.Audience;
using Npgsql;

namespace Newsletter.Data.Audience;

/// <summary>
/// An import on PostgreSQL: per batch one query sorts the addresses into known and new, then binary COPY writes the new
/// subscribers and their memberships (<see cref="PostgresBulkInserter"/>); the membership counts need nothing, their
/// triggers run once per statement (migration 0900).
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
}
