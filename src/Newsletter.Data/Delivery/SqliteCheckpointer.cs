using System.Data.Common;

namespace Newsletter.Data.Delivery;

/// <summary>
/// Moves SQLite's WAL checkpoints off a connection whose commits someone waits for. By default the commit that grows
/// the WAL past 1,000 pages copies them into the database and syncs it, which took ~9 ms (measured: 75 of 6,700
/// commits of a 20,000-message send, ~0.7 s in all, with every connection's next message waiting). Here that
/// connection does not checkpoint; a background loop checkpoints in PASSIVE mode on a connection of its own, which
/// never blocks a writer, often enough that no other connection reaches the automatic threshold either.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly DbConnection _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SqliteCheckpointer(NewsletterDatabase database, DbConnection writer)
    {
        _writer = writer;
        _loop = Task.Run(() => LoopAsync(database, _stop.Token));
    }

    /// <summary>Turns automatic checkpoints off on <paramref name="writer"/> and starts checkpointing in the background.</summary>
    public static async Task<SqliteCheckpointer> StartAsync(NewsletterDatabase database, DbConnection writer, CancellationToken ct)
    {
        await SetAutoCheckpointAsync(writer, 0, ct);
        return new SqliteCheckpointer(database, writer);
    }

    private static async Task LoopAsync(NewsletterDatabase database, CancellationToken stop)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(stop);
            await using var checkpoint = connection.Command("PRAGMA wal_checkpoint(PASSIVE)");
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, stop);
                await checkpoint.ExecuteNonQueryAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (DbException)
        {
            // Checkpointing is an optimisation: if it fails, the WAL grows until the next automatic checkpoint elsewhere.
        }
    }

    private static async Task SetAutoCheckpointAsync(DbConnection connection, int pages, CancellationToken ct)
    {
        await using var pragma = connection.Command($"PRAGMA wal_autocheckpoint={pages}");
        await pragma.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stops the loop and gives the writer back its automatic checkpoints (it returns to the pool).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        try
        {
            await SetAutoCheckpointAsync(_writer, 1000, CancellationToken.None);
        }
        catch (DbException)
        {
            // A broken connection is not returned to use.
        }
    }
}
