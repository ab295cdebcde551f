using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Newsletter.Testing;

namespace Newsletter.Data.Tests;

public sealed class DatabaseOptionsTests
{
    [Fact]
    public void Defaults_are_sqlite_in_the_home()
    {
        var options = DatabaseOptions.From(new ConfigurationBuilder().Build());
        Assert.Equal(DatabaseProvider.Sqlite, options.ParseProvider());
        Assert.Equal("Data Source=newsletter.db", options.ConnectionString);
    }

    [Fact]
    public void Binds_section_Database()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["Database:ConnectionString"] = "Host=127.0.0.1;Database=x",
        }).Build();
        var options = DatabaseOptions.From(configuration);
        Assert.Equal(DatabaseProvider.Postgres, options.ParseProvider());
        Assert.Equal("Host=127.0.0.1;Database=x", options.ConnectionString);
    }

    [Fact]
    public void Unknown_provider_is_a_clear_error()
    {
        var e = Assert.Throws<DatabaseConfigurationException>(() => new NewsletterDatabase(new DatabaseOptions { Provider = "oracle" }));
        Assert.Contains("'oracle'", e.Message);
        Assert.Contains("sqlite", e.Message);
    }

    [Fact]
    public void In_memory_sqlite_is_refused()
    {
        Assert.Throws<DatabaseConfigurationException>(() =>
            new NewsletterDatabase(new DatabaseOptions { ConnectionString = "Data Source=:memory:" }));
    }

    [Fact]
    public async Task Relative_sqlite_path_is_created_under_the_base_folder()
    {
        using var folder = new TempDirectory();
        // The base folder is the home: the default file is newsletter.db in it, a relative path is below it.
        await using (var database = new NewsletterDatabase(new DatabaseOptions(), folder.Path))
        {
            await using var connection = await database.OpenConnectionAsync();
        }
        await using (var database = new NewsletterDatabase(new DatabaseOptions { ConnectionString = "Data Source=sub/other.db" }, folder.Path))
        {
            await using var connection = await database.OpenConnectionAsync();
        }
        SqliteConnection.ClearAllPools();
        Assert.True(File.Exists(Path.Combine(folder.Path, "newsletter.db")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "sub", "other.db")));
    }
}

public abstract class DatabaseFoundationTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    protected TDatabase Db { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Db = new TDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    [Fact]
    public async Task First_use_applies_every_script_once()
    {
        await using (var first = Db.Open())
        {
            await using var connection = await first.OpenConnectionAsync();
        }
        await using var second = Db.Open();
        await using var c = await second.OpenConnectionAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT scriptname FROM schemaversions ORDER BY scriptname";
        var applied = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
        }
        Assert.Equal(DatabaseMigrator.ScriptNames(Db.Provider), applied);
        Assert.Contains(applied, n => n.EndsWith("0001_audience.sql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_first_use_from_two_nodes_migrates_once()
    {
        await using var a = Db.Open();
        await using var b = Db.Open();
        await Task.WhenAll(a.EnsureMigratedAsync(), b.EnsureMigratedAsync());
        await using var c = await a.OpenConnectionAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schemaversions";
        Assert.Equal(DatabaseMigrator.ScriptNames(Db.Provider).Count, Convert.ToInt32(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task App_secret_is_created_once_and_shared()
    {
        await using var a = Db.Open();
        await using var b = Db.Open();
        var first = await new AppSecrets(a, TimeProvider.System).GetOrCreateAsync("s");
        var second = await new AppSecrets(b, TimeProvider.System).GetOrCreateAsync("s");
        var other = await new AppSecrets(b, TimeProvider.System).GetOrCreateAsync("t");
        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }
}

public sealed class SqliteDatabaseFoundationTests : DatabaseFoundationTests<SqliteTestDatabase>
{
    [Fact]
    public async Task Sqlite_connections_use_wal_and_foreign_keys()
    {
        await using var database = Db.Open();
        await using var connection = await database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA foreign_keys";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal((long)NewsletterDatabase.SqliteBusyTimeout.TotalMilliseconds, (long)(await command.ExecuteScalarAsync())!);
    }
}

[Requires("postgres")]
public sealed class PostgresDatabaseFoundationTests : DatabaseFoundationTests<PostgresTestDatabase>;
