using System.Data.Common;
using DbUp;
using DbUp.Builder;
using Newsletter.Core;

namespace Newsletter.Data;

/// <summary>
/// Applies the SQL scripts embedded from <c>Migrations/Sqlite/NNNN_name.sql</c> or <c>Migrations/Postgres/NNNN_name.sql</c>
/// in name order, each in its own transaction, recording them in DbUp's <c>schemaversions</c> table.
/// Numbering: 0001–0099 audience and foundation, 0100+ campaigns and outbox, 0300+ web accounts and uploaded issues.
/// On PostgreSQL an advisory lock keeps several nodes starting at once from migrating together.
/// </summary>
public sealed class DatabaseMigrator(NewsletterDatabase database)
{
    // Any constant; identifies the migration lock among the application's advisory locks.
    private const long PostgresLockKey = 0x4E_65_77_73_4C_65_74_31;

    /// <summary>The embedded script names for the provider, in the order they apply.</summary>
    public static IReadOnlyList<string> ScriptNames(DatabaseProvider provider) =>
        typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix(provider), StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Applies pending scripts; throws <see cref="DatabaseMigrationException"/> naming the failed script.</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        DbConnection? lockConnection = null;
        FileStream? fileLock = null;
        try
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                lockConnection = await database.OpenWithoutMigratingAsync(ct);
                await using var take = lockConnection.CreateCommand();
                take.CommandText = $"SELECT pg_advisory_lock({PostgresLockKey})";
                await take.ExecuteNonQueryAsync(ct);
            }
            else
            {
                fileLock = await LockFileAsync(SqliteLockPath(), ct);
                // Opening once sets WAL mode before DbUp's own connection writes anything.
                await (await database.OpenWithoutMigratingAsync(ct)).DisposeAsync();
            }

            var prefix = ResourcePrefix(database.Provider);
            UpgradeEngineBuilder builder = database.Provider == DatabaseProvider.Sqlite
                ? DeployChanges.To.SqliteDatabase(database.ConnectionString)
                : DeployChanges.To.PostgresqlDatabase(database.ConnectionString);
            var engine = builder
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.StartsWith(prefix, StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build();
            var result = await Task.Run(engine.PerformUpgrade, ct);
            if (!result.Successful)
            {
                var script = result.ErrorScript?.Name ?? "?";
                throw new DatabaseMigrationException(
                    $"database migration {script} failed: {result.Error?.Message}", result.Error);
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
        {
            throw new DatabaseMigrationException($"cannot migrate the {database.Provider} database: {e.Message}", e);
        }
        finally
        {
            if (fileLock is not null)
            {
                await fileLock.DisposeAsync();
            }
            if (lockConnection is not null)
            {
                // Explicitly: a pooled connection goes back to the pool with its session, and the lock, still alive.
                try
                {
                    await using var release = lockConnection.CreateCommand();
                    release.CommandText = $"SELECT pg_advisory_unlock({PostgresLockKey})";
                    await release.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (DbException)
                {
                    // The connection is broken; the server drops the lock with the session.
                }
                await lockConnection.DisposeAsync();
            }
        }
    }

    /// <summary>How long a process waits for another one migrating the same SQLite file.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    // Next to the database file; kept (deleting it would race with a process about to lock it).
    private string SqliteLockPath() =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource + ".migrate-lock";

    /// <summary>An exclusive lock on <paramref name="path"/> (flock on Linux), waiting while another process holds it.</summary>
    private static async Task<FileStream> LockFileAsync(string path, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    private static string ResourcePrefix(DatabaseProvider provider) =>
        "Newsletter.Data.Migrations." + (provider == DatabaseProvider.Sqlite ? "Sqlite." : "Postgres.");
}

/// <summary>The schema could not be brought up to date; the message names the script or the connection problem.</summary>
public sealed class DatabaseMigrationException(string message, Exception? inner)
    : UserFacingException(message, "check Database:ConnectionString and that the PostgreSQL server is running and reachable", inner);
