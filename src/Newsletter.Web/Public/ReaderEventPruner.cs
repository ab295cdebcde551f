using Newsletter.Core.Figures;

namespace Newsletter.Web.Public;

/// <summary>
/// Issue 21: in <c>serve</c>, at start and every <c>Tracking:PruneInterval</c>, freezes the figures of campaigns first
/// sent more than <c>Tracking:RetentionDays</c> ago and deletes their reader events (<see cref="IReaderEventStore.PruneAsync"/>).
/// </summary>
public sealed class ReaderEventPruner(IReaderEventStore events, TrackingOptions options, TimeProvider time, ILogger<ReaderEventPruner> logger)
    : BackgroundService
{
    /// <summary>One pass (also what the tests run).</summary>
    public async Task<PruneResult> PruneOnceAsync(CancellationToken ct)
    {
        var result = await events.PruneAsync(time.GetUtcNow(), options.Retention, ct);
        if (result.CampaignsFrozen > 0 || result.EventsDeleted > 0)
        {
            logger.LogInformation("reader events pruned: {Frozen} campaign(s) frozen, {Deleted} event row(s) deleted (retention {Days} days)",
                result.CampaignsFrozen, result.EventsDeleted, options.RetentionDays);
        }
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PruneInterval, time);
        try
        {
            do
            {
                try
                {
                    await PruneOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
                {
                    // The database is away for a moment: the next tick tries again; nothing is half-done (one transaction per campaign).
                    logger.LogWarning("reader events not pruned: {Reason}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
