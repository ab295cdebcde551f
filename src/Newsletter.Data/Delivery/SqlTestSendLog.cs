using Newsletter.Core.Delivery;

namespace Newsletter.Data.Delivery;

/// <summary><see cref="ITestSendLog"/> in the <c>test_sends</c> table (SQLite and PostgreSQL).</summary>
public sealed class SqlTestSendLog(NewsletterDatabase database) : ITestSendLog
{
    public async Task RecordAsync(IReadOnlyList<TestSendEntry> entries, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var entry in entries)
        {
            await using var insert = connection.Command(
                "INSERT INTO test_sends (sent_at, issue_key, segment, recipient, delivered, result, version) VALUES (@at, @i, @s, @r, @d, @res, @v)", transaction);
            await insert.With("@at", entry.SentAt).With("@v", entry.Version).With("@i", entry.IssueKey).With("@s", entry.Segment).With("@r", entry.Recipient)
                .With("@d", entry.Delivered).With("@res", entry.Result.Length > 1000 ? entry.Result[..1000] : entry.Result).ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public Task<IReadOnlyList<TestSendEntry>> ListAsync(int limit, CancellationToken ct = default) =>
        ReadAsync("", null, limit, ct);

    public Task<IReadOnlyList<TestSendEntry>> ListForVersionAsync(string version, int limit, CancellationToken ct = default) =>
        ReadAsync("WHERE version = @v", version, limit, ct);

    private async Task<IReadOnlyList<TestSendEntry>> ReadAsync(string where, string? version, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"SELECT sent_at, issue_key, segment, recipient, delivered, result, version FROM test_sends {where} ORDER BY id DESC LIMIT @n").With("@n", limit);
        if (version is not null)
        {
            command.With("@v", version);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<TestSendEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new TestSendEntry(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetBoolean(4), reader.GetString(5)) { Version = reader.GetNullableString(6) });
        }
        return entries;
    }
}
