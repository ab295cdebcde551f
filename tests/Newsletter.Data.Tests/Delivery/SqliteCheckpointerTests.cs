using Microsoft.Data.Sqlite;
using Newsletter.Data.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>The outcome writer's connection leaves WAL checkpoints to a background loop, and gets them back afterwards.</summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task The_writer_does_not_checkpoint_the_loop_does_and_the_writer_gets_its_default_back()
    {
        using var folder = new TempDirectory("checkpoint");
        var path = Path.Combine(folder.Path, "c.db");
        await using (var database = new NewsletterDatabase(new DatabaseOptions { ConnectionString = $"Data Source={path}" }))
        {
            await using var writer = await database.OpenConnectionAsync();
            await using (var create = writer.Command("CREATE TABLE t (x BLOB)"))
            {
                await create.ExecuteNonQueryAsync();
            }
            var before = new FileInfo(path).Length;

            await using (var checkpointer = await SqliteCheckpointer.StartAsync(database, writer, CancellationToken.None))
            {
                Assert.Equal(0L, await ScalarAsync(writer, "PRAGMA wal_autocheckpoint"));
                // 2,000 pages: past the automatic threshold, so only the loop can have copied them into the database file.
                for (var i = 0; i < 200; i++)
                {
                    await using var insert = writer.Command("INSERT INTO t VALUES (randomblob(40000))");
                    await insert.ExecuteNonQueryAsync();
                }
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (new FileInfo(path).Length < before + 7_000_000 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
                Assert.True(new FileInfo(path).Length >= before + 7_000_000, $"the database file stayed at {new FileInfo(path).Length} bytes");
            }
            Assert.Equal(1000L, await ScalarAsync(writer, "PRAGMA wal_autocheckpoint"));
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
