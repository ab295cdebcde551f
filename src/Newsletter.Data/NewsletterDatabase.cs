using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Newsletter.Data;

/// <summary>
/// The one way to a database connection. The first <see cref="OpenConnectionAsync"/> applies pending migrations
/// (see <see cref="DatabaseMigrator"/>), so every caller sees an up-to-date schema. SQLite connections are opened
/// with WAL, a busy timeout and foreign keys on; PostgreSQL connections come from one <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class NewsletterDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>How long a SQLite writer waits for another one before failing with "database is locked".</summary>
    public static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SQLite page cache of each connection, in KiB. Each pooled connection keeps its cache filled up to this between
    /// uses, and the outbox of a large campaign fills it: at 32 MB each (as before issue 20) the three connections of a
    /// send made peak memory grow with the list (100,000 recipients 206 MB, 1,000,000 326 MB). A send reads and writes
    /// the outbox in id order, so a small cache costs it nothing; bulk loads get <see cref="BulkCacheKiB"/> for their
    /// transaction (<see cref="UseBulkCacheAsync"/>).
    /// </summary>
    private const int CacheKiB = 4096;

    /// <summary>The page cache of a bulk load (import, outbox fill): its index inserts land all over the B-trees.</summary>
    private const int BulkCacheKiB = 32768;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> ConfiguredHandles = new();
    private static readonly object Configured = new();

    private readonly NpgsqlDataSource? _dataSource;
    private readonly SemaphoreSlim _migrateLock = new(1, 1);
    private volatile bool _migrated;

    /// <param name="options">The settings; a bad provider or connection string throws <see cref="DatabaseConfigurationException"/>.</param>
    /// <param name="baseDirectory">What a relative SQLite path is relative to; default the current folder.</param>
    public NewsletterDatabase(DatabaseOptions options, string? baseDirectory = null)
    {
        Provider = options.ParseProvider();
        if (Provider == DatabaseProvider.Sqlite)
        {
            ConnectionString = options.ResolveSqliteConnectionString(baseDirectory ?? Directory.GetCurrentDirectory());
            SqliteFile = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            IsNewDefaultStore = !options.IsConfigured && !File.Exists(SqliteFile);
            Description = "SQLite " + SqliteFile;
        }
        else
        {
            try
            {
                _dataSource = NpgsqlDataSource.Create(WithIdleTransactionTimeout(options.ConnectionString));
            }
            catch (ArgumentException e)
            {
                throw new DatabaseConfigurationException($"Database:ConnectionString is not a valid PostgreSQL connection string: {e.Message}", e);
            }
            ConnectionString = options.ConnectionString;
            var shown = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            Description = $"PostgreSQL {shown.Database ?? shown.Username} on {shown.Host}:{shown.Port}";
        }
    }

    /// <summary>Which database this is, for the line every command prints: the SQLite file, or PostgreSQL's database and server (never the password).</summary>
    public string Description { get; }

    /// <summary>
    /// True when this is the embedded default store (no database configured) and its file did not exist before this
    /// process opened it: the only store the Quick start's demo may fill with the sample lists.
    /// </summary>
    public bool IsNewDefaultStore { get; }

    public DatabaseProvider Provider { get; }

    /// <summary>The effective connection string (for SQLite with the absolute file path).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Our transactions never wait on anything but the database, so one idle for 10 s belongs to a frozen process (a VM
    /// stall, SIGSTOP): PostgreSQL ends it, and its row locks no longer hold up the nodes taking its send over
    /// (before <c>Delivery:HeartbeatInterval</c> + <c>Delivery:FailoverGrace</c> with the defaults). A value set in
    /// the connection string's <c>Options</c> wins.
    /// </summary>
    private static string WithIdleTransactionTimeout(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal) != true)
        {
            builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout=10000".Trim();
        }
        return builder.ConnectionString;
    }

    /// <summary>The SQLite database file (its absolute path; a SQLite database always has one); null on PostgreSQL.</summary>
    public string? SqliteFile { get; }

    /// <summary>An open connection; the caller disposes it. Migrates the schema on first use.</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        await EnsureMigratedAsync(ct);
        return await OpenWithoutMigratingAsync(ct);
    }

    /// <summary>Applies pending migrations once per instance; later calls return at once.</summary>
    public async Task EnsureMigratedAsync(CancellationToken ct = default)
    {
        if (_migrated) return;
        await _migrateLock.WaitAsync(ct);
        try
        {
            if (_migrated) return;
            await new DatabaseMigrator(this).MigrateAsync(ct);
            _migrated = true;
        }
        finally
        {
            _migrateLock.Release();
        }
    }

    internal async Task<DbConnection> OpenWithoutMigratingAsync(CancellationToken ct)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(ct);
        }

        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            // Pooled connections keep their native handle and its settings: configure each handle once, not per open.
            if (connection.Handle is { } handle && !ConfiguredHandles.TryGetValue(handle, out _))
            {
                await using var pragma = connection.CreateCommand();
                // journal_mode is persistent in the file; busy_timeout and foreign_keys are per connection.
                pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={(int)SqliteBusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-{CacheKiB};";
                await pragma.ExecuteNonQueryAsync(ct);
                ConfiguredHandles.AddOrUpdate(handle, Configured);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLite: gives <paramref name="connection"/> the large cache of a bulk load until the returned handle is disposed,
    /// which shrinks it back (freeing the pages) before the connection returns to the pool. Nothing on PostgreSQL.
    /// </summary>
    internal static async Task<IAsyncDisposable> UseBulkCacheAsync(DbConnection connection, CancellationToken ct)
    {
        if (connection is not SqliteConnection)
        {
            return NoCacheChange.Instance;
        }
        await using (var grow = connection.CreateCommand())
        {
            grow.CommandText = $"PRAGMA cache_size=-{BulkCacheKiB}";
            await grow.ExecuteNonQueryAsync(ct);
        }
        return new BulkCache(connection);
    }

    private sealed class BulkCache(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                return;   // closed: its handle went back to the pool with the large cache; SqliteConnection resets nothing
            }
            await using var shrink = connection.CreateCommand();
            shrink.CommandText = $"PRAGMA cache_size=-{CacheKiB}; PRAGMA shrink_memory;";
            await shrink.ExecuteNonQueryAsync();
        }
    }

    private sealed class NoCacheChange : IAsyncDisposable
    {
        public static readonly NoCacheChange Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        _migrateLock.Dispose();
    }

    public void Dispose()
    {
        _dataSource?.Dispose();
        _migrateLock.Dispose();
    }
}
