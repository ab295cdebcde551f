using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Delivery;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Keeps Quartz's triggers in step with the scheduling tables, which the <c>schedule</c> commands write from another
/// process: at start and every <see cref="SchedulingOptions.SyncInterval"/>, each scheduled campaign and each plan
/// gets its trigger (created, or re-created when moved or changed), and triggers whose campaign or plan is gone are
/// removed. The tables are the truth; Quartz's persistent store is how a firing survives restarts.
/// </summary>
/// <remarks>
/// A campaign's trigger is removed as soon as its firing moved the campaign out of <c>scheduled</c>, and with it the
/// fired-trigger row Quartz's cluster recovery would need: deliberately, Quartz does not recover a send. A send that
/// lost its node is continued from the outbox by the heartbeat takeover of the other nodes
/// (<see cref="CampaignSender.TakeOverSilentSendersAsync"/>, <see cref="DeliveryEngine"/>), the same path whether the
/// send was started by a firing, <c>publish</c> or the web admin. Quartz's clustering still makes each firing run once.
/// </remarks>
public sealed class ScheduleSync(ISchedulerFactory schedulers, IScheduleStore store, SchedulingOptions options,
    ILogger<ScheduleSync> logger) : BackgroundService
{
    private readonly SchedulingOptions _options = options;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be briefly away; the next round tries again.
                logger.LogWarning(e, "Schedule sync failed; retrying in {Interval}", _options.SyncInterval);
            }
            try
            {
                await Task.Delay(_options.SyncInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: create, re-create and remove triggers.</summary>
    public async Task SyncOnceAsync(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        if (scheduler.Status is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown)
        {
            return;
        }

        var scheduled = await store.ListScheduledAsync(ct);
        var wanted = new HashSet<TriggerKey>();
        foreach (var campaign in scheduled)
        {
            var key = ScheduledCampaignJob.TriggerKeyFor(campaign.Id);
            wanted.Add(key);
            var at = campaign.ScheduledAt!.Value;
            var existing = await scheduler.GetTrigger(key, ct);
            if (existing is not null && (existing.StartTimeUtc - at).Duration() < TimeSpan.FromSeconds(1))
            {
                continue;
            }
            var job = JobBuilder.Create<ScheduledCampaignJob>().WithIdentity(ScheduledCampaignJob.JobKeyFor(campaign.Id))
                .RequestRecovery().Build();
            var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(job).StartAt(at)
                .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await ScheduleAsync(scheduler, job, trigger, existing is not null, ct);
            logger.LogInformation("Campaign {Id} scheduled for {At}", campaign.Id, at);
        }
        await RemoveUnwantedAsync(scheduler, ScheduledCampaignJob.Group, wanted, ct);

        wanted.Clear();
        foreach (var plan in await store.ListPlansAsync(ct))
        {
            var key = PlanJob.TriggerKeyFor(plan.Id);
            wanted.Add(key);
            var zone = ScheduleTime.FindZone(plan.TimeZone) ?? _options.Zone();
            if (await scheduler.GetTrigger(key, ct) is ICronTrigger existing && existing.CronExpressionString == plan.Cron && existing.TimeZone.Id == zone.Id)
            {
                continue;
            }
            var job = JobBuilder.Create<PlanJob>().WithIdentity(PlanJob.JobKeyFor(plan.Id)).RequestRecovery().Build();
            var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(job)
                .WithSchedule(CronScheduleBuilder.Create(plan.Cron).InTimeZone(zone)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .StartAt(plan.CreatedAt)
                .Build();
            await ScheduleAsync(scheduler, job, trigger, replace: true, ct);
            logger.LogInformation("Plan {Id} ({Cron}, {Zone}) scheduled", plan.Id, plan.Cron, zone.Id);
        }
        await RemoveUnwantedAsync(scheduler, PlanJob.Group, wanted, ct);
    }

    private async Task ScheduleAsync(IScheduler scheduler, IJobDetail job, ITrigger trigger, bool replace, CancellationToken ct)
    {
        try
        {
            await scheduler.ScheduleJob(job, trigger, replace ? ScheduleJobOptions.Replacing : new ScheduleJobOptions(), ct);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another node of the cluster created it in the same round.
            logger.LogDebug("Trigger {Key} was created by another node", trigger.Key);
        }
    }

    private static async Task RemoveUnwantedAsync(IScheduler scheduler, string group, HashSet<TriggerKey> wanted, CancellationToken ct)
    {
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(group), ct))
        {
            if (!wanted.Contains(key))
            {
                await scheduler.UnscheduleJob(key, ct);
            }
        }
    }
}

/// <summary>
/// The delivery engine of <c>serve</c>: every <see cref="SchedulingOptions.DeliveryInterval"/> it continues running
/// campaigns with messages due — deferred messages whose retry time came, rows a dead node had leased — so that
/// <c>serve</c> finishes what <c>publish</c> left deferred. On several nodes each claims different outbox rows.
/// </summary>
/// <remarks>
/// Failover: every <see cref="DeliveryOptions.HeartbeatInterval"/> it also looks for senders (on any node) whose
/// heartbeat stopped for <see cref="DeliveryOptions.SilenceLimit"/>, releases their leases and starts a round at once,
/// whatever the delivery interval: a killed or frozen node's campaign goes on within about
/// <see cref="DeliveryOptions.SilenceLimit"/> + <see cref="DeliveryOptions.HeartbeatInterval"/>. This, not Quartz's
/// job recovery, is how a send survives its node (see <see cref="ScheduleSync"/>).
/// </remarks>
public sealed class DeliveryEngine(IScheduleStore store, ScheduledCampaignRunner runner, CampaignSender sender,
    SchedulingOptions options, DeliveryOptions delivery, TimeProvider time, ILogger<DeliveryEngine> logger) : BackgroundService
{
    private readonly SchedulingOptions _options = options;
    private readonly DeliveryOptions _delivery = delivery;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RoundsAsync(stoppingToken), WatchAsync(stoppingToken));

    private async Task RoundsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Delivery round failed; retrying in {Interval}", _options.DeliveryInterval);
            }
            // The next round after the interval, or at once when the watch took a dead sender's rows over.
            using var interval = new CancellationTokenSource(_options.DeliveryInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(interval.Token, stoppingToken);
            try
            {
                await _wake.Reader.ReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // the interval passed
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Every heartbeat interval: take over silent senders of any campaign, and wake the rounds if there were some.</summary>
    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_delivery.HeartbeatInterval, time, stoppingToken);
                if ((await sender.TakeOverSilentSendersAsync(null, stoppingToken)).Count > 0)
                {
                    _wake.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Looking for silent senders failed; retrying in {Interval}", _delivery.HeartbeatInterval);
            }
        }
    }

    /// <summary>One round: every running campaign with a message due is continued, one after the other.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (var id in await store.ListResumableAsync(time.GetUtcNow(), ct))
        {
            ct.ThrowIfCancellationRequested();
            logger.LogInformation("Continuing campaign {Id}", id);
            await runner.RunAsync(id, ct);
        }
    }
}
