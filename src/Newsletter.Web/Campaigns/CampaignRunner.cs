using System.Threading.Channels;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Campaigns;

/// <summary>
/// Sends campaigns started from the admin ("send now", "resume") in the background, one at a time, and stops the
/// current run when it is paused or cancelled. Scheduled campaigns are the scheduler's; this runs only what it is given.
/// </summary>
public sealed class CampaignRunner(CampaignSender sender, ICampaignStore campaigns, DeliveryOptions delivery,
    ILogger<CampaignRunner> logger) : BackgroundService
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private (long Id, CancellationTokenSource Stop, TaskCompletionSource Done)? _current;

    /// <summary>Queues campaign <paramref name="campaignId"/> for sending.</summary>
    public void Enqueue(long campaignId) => _queue.Writer.TryWrite(campaignId);

    /// <summary>The campaign being sent now, if any.</summary>
    public long? Current
    {
        get
        {
            lock (_lock) return _current?.Id;
        }
    }

    /// <summary>
    /// Stops the run of <paramref name="campaignId"/> if it is the current one, and waits (bounded) for its messages in
    /// flight. The state is the caller's to change first, through <see cref="Core.Campaigns.CampaignLifecycle"/>: the
    /// run then sees it is no longer running and neither completes nor pauses it over the caller's change.
    /// </summary>
    public async Task StopRunAsync(long campaignId, CancellationToken ct)
    {
        Task? done = null;
        lock (_lock)
        {
            if (_current is { } current && current.Id == campaignId)
            {
                current.Stop.Cancel();
                done = current.Done.Task;
            }
        }
        if (done is not null)
        {
            // Workers finish the message in hand; bounded so a stuck SMTP server cannot hang the request.
            await done.WaitAsync(TimeSpan.FromSeconds(30), ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunQueueAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: not a failure.
        }
    }

    private async Task RunQueueAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock) _current = (id, stop, done);
            try
            {
                var campaign = await campaigns.GetAsync(id, stoppingToken);
                if (campaign is { State: CampaignState.Running })
                {
                    await sender.RunAsync(id, delivery.ForegroundRetryWindow, progress: null, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "campaign {Campaign} failed", id);
                await Core.Campaigns.CampaignLifecycle.TryAsync(campaigns, id, Core.Campaigns.CampaignAction.Halt, e.Message, CancellationToken.None);
            }
            finally
            {
                lock (_lock) _current = null;
                done.TrySetResult();
            }
        }
    }
}
