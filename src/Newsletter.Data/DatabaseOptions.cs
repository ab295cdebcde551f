using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Newsletter.Core;

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
    /// Default <c>Data Source=newsletter.db</c>: a file in the home (<c>NewsletterHome</c>; a relative path is relative to
    /// it), created on demand. For PostgreSQL an Npgsql connection string (<c>Host=…;Database=…;Username=…</c>).
    /// </summary>
    public string ConnectionString { get; init; } = DefaultConnectionString;

    /// <summary>The embedded default: a SQLite file in the home.</summary>
    public const string DefaultConnectionString = "Data Source=newsletter.db";

    /// <summary>
    /// True when the settings name a database (a provider other than SQLite, or any connection string): a store the
    /// operator chose, as opposed to the embedded default the Quick start creates.
    /// </summary>
    public bool IsConfigured { get; init; }

    /// <summary>Reads the section; absent keys keep their defaults.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = new DatabaseOptions();
        var provider = section["Provider"] is { Length: > 0 } p ? p : defaults.Provider;
        var connectionString = section["ConnectionString"] is { Length: > 0 } c ? c : null;
        return new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = connectionString ?? defaults.ConnectionString,
            IsConfigured = connectionString is not null || !provider.Trim().StartsWith("sqlite", StringComparison.OrdinalIgnoreCase),
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
public sealed class DatabaseConfigurationException(string message, Exception? inner = null)
    : UserFacingException(message, "fix Database:Provider / Database:ConnectionString", inner);
