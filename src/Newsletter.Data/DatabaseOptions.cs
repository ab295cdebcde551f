using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Newsletter.Data;

/// <summary>The database engines the stores run on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the data lives, bound from the configuration section <c>Database</c>
/// (<c>NEWSLETTER_Database__Provider</c>, <c>NEWSLETTER_Database__ConnectionString</c>).
/// </summary>
public sealed record DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c> (also <c>postgresql</c>, <c>npgsql</c>), case-insensitive.</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>
    /// Default <c>Data Source=data/newsletter.db</c>: a file under <c>data/</c> in the current folder, created on demand.
    /// For PostgreSQL an Npgsql connection string (<c>Host=…;Database=…;Username=…</c>).
    /// </summary>
    public string ConnectionString { get; init; } = "Data Source=data/newsletter.db";

    /// <summary>Reads the section; absent keys keep their defaults.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = new DatabaseOptions();
        return new DatabaseOptions
        {
            Provider = section["Provider"] is { Length: > 0 } p ? p : defaults.Provider,
            ConnectionString = section["ConnectionString"] is { Length: > 0 } c ? c : defaults.ConnectionString,
        };
    }

    /// <summary>The provider named by <see cref="Provider"/>; throws <see cref="DatabaseConfigurationException"/> for anything else.</summary>
    public DatabaseProvider ParseProvider() => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" or "sqlite3" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" or "pg" => DatabaseProvider.Postgres,
        _ => throw new DatabaseConfigurationException(
            $"unknown database provider '{Provider}' in Database:Provider; use 'sqlite' or 'postgres'"),
    };

    /// <summary>
    /// The SQLite connection string with a relative file made absolute against <paramref name="baseDirectory"/>,
    /// and that file's folder created. <c>:memory:</c> is refused: each connection would see a different database.
    /// </summary>
    internal string ResolveSqliteConnectionString(string baseDirectory)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new DatabaseConfigurationException($"Database:ConnectionString is not a valid SQLite connection string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new DatabaseConfigurationException("Database:ConnectionString must name a SQLite file (Data Source=path/file.db)");
        }
        var path = Path.GetFullPath(builder.DataSource, baseDirectory);
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        builder.DataSource = path;
        builder.ForeignKeys = true;
        return builder.ToString();
    }
}

/// <summary>The database settings are unusable; the message names the setting and the fix.</summary>
public sealed class DatabaseConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
