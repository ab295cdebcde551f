using System.Data.Common;
using DbUp;
using Newsletter.Core.Audience;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// Migration 0400 on a database that lived under the old scheme: every subscriber, membership, count and trigger
/// survives the rebuild, outbox rows of removed subscribers and rows whose id was reused lose their link, and the next
/// id is past every id the outbox ever named.
/// </summary>
public abstract class SubscriberIdentityMigrationTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _db = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task An_old_database_keeps_its_data_and_loses_only_the_links_that_named_the_wrong_person()
    {
        await MigrateBefore0400Async();
        await using (var old = await OpenRawAsync())
        {
            await ExecAsync(old, """
                INSERT INTO subscribers (id, email, name, segments, status, created_at, updated_at) VALUES
                    (1, 'a@xuchang.example.org', '王一', 'municipal', 'active', '2026-01-01 08:00:00+00:00', '2026-01-01 08:00:00+00:00'),
                    (2, 'b@xuchang.example.org', '王二', 'municipal|county', 'unsubscribed', '2026-01-01 08:00:00+00:00', '2026-01-01 08:00:00+00:00'),
                    (3, 'reused@xuchang.example.org', '赵新', 'municipal', 'active', '2026-03-01 08:00:00+00:00', '2026-03-01 08:00:00+00:00');
                INSERT INTO subscriber_segments (segment_key, subscriber_id, status) VALUES
                    ('municipal', 1, 'active'), ('municipal', 2, 'unsubscribed'), ('county', 2, 'unsubscribed'), ('municipal', 3, 'active');
                INSERT INTO campaigns (id, issue_key, segments_key, segments, title, state, source_path, source_text, created_at, updated_at)
                    VALUES (1, '2026-02', 'municipal', 'municipal', '许昌竞争情报快递', 'paused', '/tmp/i.md', 'x', '2026-02-01 08:00:00+00:00', '2026-02-01 08:00:00+00:00');
                INSERT INTO outbox (campaign_id, subscriber_id, variant, status, message_id) VALUES
                    (1, 1, 'municipal', 'sent', 'm1@x'), (1, 2, 'municipal', 'skipped', 'm2@x'),
                    (1, 3, 'municipal', 'failed', 'm3@x'), (1, 7, 'municipal', 'failed', 'm7@x');
                """);
        }
        var countsBefore = await CountsAsync();

        await using var database = _db.Open();
        await database.EnsureMigratedAsync();
        var store = new SqlSubscriberStore(database, TimeProvider.System);

        Assert.Equal(3, await store.CountAllAsync());
        Assert.Equal(["王一", "王二", "赵新"], (await store.SearchAsync(new SubscriberQuery())).Select(s => s.Name));
        Assert.Equal(countsBefore, await CountsAsync());
        // The status trigger came back: an unsubscribe reaches the membership rows and the counts.
        Assert.True(await store.UnsubscribeAsync(1, "test"));
        Assert.Equal(2, (await store.CountBySegmentAsync()).Single(c => c.Segment.Key == Segments.Municipal).Unsubscribed);

        await using (var connection = await database.OpenConnectionAsync())
        {
            // Row 3's subscriber was created after the campaign (the old scheme reused the id); row 7's is gone.
            Assert.Equal(["m1@x:1", "m2@x:2", "m3@x:-", "m7@x:-"], await ReadAsync(connection,
                "SELECT message_id, subscriber_id FROM outbox ORDER BY id", r => $"{r.GetString(0)}:{(r.IsDBNull(1) ? "-" : r.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
        }
        var next = await store.AddAsync(new SubscriberDraft("next@xuchang.example.org", "王三", null, null, [Segments.Municipal], null, []));
        Assert.True(next.Id > 7, $"next id {next.Id} is one the outbox named");
    }

    private async Task MigrateBefore0400Async()
    {
        var prefix = "Newsletter.Data.Migrations." + (_db.Provider == DatabaseProvider.Sqlite ? "Sqlite." : "Postgres.");
        var connectionString = _db.Options.ConnectionString;
        var builder = _db.Provider == DatabaseProvider.Sqlite
            ? DeployChanges.To.SqliteDatabase(connectionString + ";Foreign Keys=True")
            : DeployChanges.To.PostgresqlDatabase(connectionString);
        var result = builder.WithScriptsEmbeddedInAssembly(typeof(NewsletterDatabase).Assembly,
                name => name.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(name, prefix + "0400") < 0)
            .WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
        Assert.True(result.Successful, result.Error?.ToString());
        await Task.CompletedTask;
    }

    private async Task<DbConnection> OpenRawAsync()
    {
        DbConnection connection = _db.Provider == DatabaseProvider.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(_db.Options.ConnectionString + ";Foreign Keys=True;Pooling=False")
            : new Npgsql.NpgsqlConnection(_db.Options.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<List<string>> CountsAsync()
    {
        await using var connection = await OpenRawAsync();
        return await ReadAsync(connection, "SELECT segment_key, status, n FROM segment_counts WHERE n > 0 ORDER BY segment_key, status",
            r => $"{r.GetString(0)}/{r.GetString(1)}={r.GetValue(2)}");
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string sql, Func<DbDataReader, string> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}

public sealed class SqliteSubscriberIdentityMigrationTests : SubscriberIdentityMigrationTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresSubscriberIdentityMigrationTests : SubscriberIdentityMigrationTests<PostgresTestDatabase>;
