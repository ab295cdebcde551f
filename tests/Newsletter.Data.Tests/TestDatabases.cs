using Npgsql;
using Newsletter.Testing;

namespace Newsletter.Data.Tests;

/// <summary>A fresh database of one provider for one test class, dropped (or deleted) afterwards.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract DatabaseOptions Options { get; }

    /// <summary>A new <see cref="NewsletterDatabase"/> on this database (as a second node or process would open it).</summary>
    public NewsletterDatabase Open() => new(Options);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A SQLite file in a temporary folder.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly TempDirectory _folder = new("newsletter-data");

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string FilePath => _folder.File("test.db");

    public override DatabaseOptions Options => new() { Provider = "sqlite", ConnectionString = $"Data Source={FilePath}" };

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A database created on the test PostgreSQL server (<see cref="TestEnvironment.PostgresConnectionString"/>).</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _server = TestEnvironment.PostgresConnectionString;
    private readonly string _name = "newsletter_test_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresTestDatabase()
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {_name} ENCODING 'UTF8'", connection);
        create.ExecuteNonQuery();
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override DatabaseOptions Options =>
        new() { Provider = "postgres", ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ToString() };

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
