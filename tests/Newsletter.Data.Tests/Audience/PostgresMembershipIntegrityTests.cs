using Newsletter.Core.Audience;
using Newsletter.Data.Audience;
using Newsletter.Testing;
using Npgsql;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// PostgreSQL's import path (issue 20): memberships are checked per statement by triggers instead of two foreign keys
/// checked per row (migration 1051), and new rows are copied straight into the tables after one check of which
/// addresses exist. The guarantees the foreign keys gave, and the one race the check leaves, on a real server.
/// </summary>
[Requires("postgres")]
public sealed class PostgresMembershipIntegrityTests()
    : SubscriberStoreFixture<PostgresTestDatabase>(new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero))
{
    private static SubscriberDraft Draft(string email, params string[] segments) => new(email, "测试", null, null, segments, null, []);

    private async Task<PostgresException> FailsAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Memberships_keep_what_their_foreign_keys_guaranteed()
    {
        var one = await Store.AddAsync(Draft("one@example.org", "county", "enterprise"));
        await Store.AddAsync(Draft("two@example.org", "county"));

        var unknownSegment = await FailsAsync($"INSERT INTO subscriber_segments VALUES ('no-such-segment', {one.Id}, 'active')");
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, unknownSegment.SqlState);
        Assert.Contains("no-such-segment", unknownSegment.MessageText, StringComparison.Ordinal);
        var unknownSubscriber = await FailsAsync("INSERT INTO subscriber_segments VALUES ('municipal', 987654321, 'active')");
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, unknownSubscriber.SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await FailsAsync("DELETE FROM segments WHERE key = 'county'")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await FailsAsync("UPDATE segments SET key = 'county2' WHERE key = 'county'")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation,
            (await FailsAsync($"UPDATE subscriber_segments SET subscriber_id = 987654321 WHERE subscriber_id = {one.Id}")).SqlState);

        // Erasing a subscriber removes its memberships (was ON DELETE CASCADE) and the counts follow.
        Assert.True(await Store.RemoveAsync("one@example.org"));
        Assert.Equal(0, await ScalarAsync($"SELECT COUNT(*) FROM subscriber_segments WHERE subscriber_id = {one.Id}"));
        var counts = (await Store.CountBySegmentAsync()).ToDictionary(c => c.Segment.Key, c => c.Active);
        Assert.Equal(1, counts["county"]);
        Assert.Equal(0, counts.GetValueOrDefault("enterprise"));
    }

    [Fact]
    public async Task An_address_another_session_adds_while_the_import_copies_stops_the_import_with_nothing_written()
    {
        await using var other = await Database.OpenConnectionAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await using (var add = other.CreateCommand())
        {
            add.Transaction = otherTransaction;
            add.CommandText = "INSERT INTO subscribers (email, name, segments, created_at, updated_at) VALUES ('race@example.org', '抢先', '', now(), now())";
            await add.ExecuteNonQueryAsync();
        }

        var session = await Store.BeginImportAsync();
        try
        {
            // The check cannot see the other session's uncommitted row (both count as new); the COPY, at the latest
            // before the commit, then waits on its index entry.
            var outcomes = await session.ApplyBatchAsync([Draft("first@example.org", "county"), Draft("race@example.org", "county")], update: false);
            Assert.Equal([ImportOutcome.Imported, ImportOutcome.Imported], outcomes.Select(o => o.Outcome));
            var apply = session.CommitAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var waiting = 0L;
            while (!apply.IsCompleted && DateTime.UtcNow < deadline
                && (waiting = await ScalarAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) == 0)
            {
                await Task.Delay(50);
            }
            Assert.True(waiting > 0, $"the import never waited on the other session's row (completed: {apply.IsCompleted})");
            await otherTransaction.CommitAsync();

            var refused = await Assert.ThrowsAsync<AudienceException>(() => apply);
            Assert.Contains("while the import ran", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await session.DisposeAsync();
        }
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM subscribers"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM subscriber_segments"));
    }
}
