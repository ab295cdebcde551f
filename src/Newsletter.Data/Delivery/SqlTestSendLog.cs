using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Delivery;

namespace Newsletter.Data.Delivery;

/// <summary><see cref="ITestSendLog"/> in the <c>test_sends</c> table (SQLite and PostgreSQL).</summary>
public sealed class SqlTestSendLog(NewsletterDatabase database) : ITestSendLog
{
    private const string Columns = "sent_at, issue_key, segment, recipient, delivered, result, sent_by, version";

    public async Task RecordAsync(IReadOnlyList<TestSendEntry> entries, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var entry in entries)
        {
            await using var insert = connection.Command(
                "INSERT INTO test_sends (sent_at, issue_key, segment, recipient, delivered, result, sent_by, version) VALUES (@at, @i, @s, @r, @d, @res, @by, @v)", transaction);
            await insert.With("@at", entry.SentAt).With("@i", entry.IssueKey).With("@s", entry.Segment).With("@r", entry.Recipient)
                .With("@d", entry.Delivered).With("@res", entry.Result.Length > 1000 ? entry.Result[..1000] : entry.Result)
                .With("@by", entry.SentBy).With("@v", entry.Version).ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<TestSendEntry>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM test_sends ORDER BY id DESC LIMIT @n").With("@n", limit);
        return await ReadAsync(command, ct);
    }

    public async Task<IReadOnlyList<TestSendEntry>> ListForIssueAsync(string issueKey, int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM test_sends WHERE issue_key = @i ORDER BY id DESC LIMIT @n")
            .With("@i", issueKey).With("@n", limit);
        return await ReadAsync(command, ct);
    }

    public async Task<IReadOnlyList<TestSendEntry>> ListForVersionAsync(string version, int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM test_sends WHERE version = @v ORDER BY id DESC LIMIT @n")
            .With("@v", version).With("@n", limit);
        return await ReadAsync(command, ct);
    }

    public async Task<int> CountSinceAsync(string sentBy, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // Both sides in UTC: SQLite compares the stored text, which sorts like the time when the offsets agree.
        await using var command = connection.Command("SELECT COUNT(*) FROM test_sends WHERE sent_by = @by AND sent_at >= @since")
            .With("@by", sentBy).With("@since", since.ToUniversalTime());
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<TestSendEntry>> ReadAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<TestSendEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new TestSendEntry(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetBoolean(4), reader.GetString(5), reader.GetNullableString(6)) { Version = reader.GetNullableString(7) });
        }
        return entries;
    }
}
