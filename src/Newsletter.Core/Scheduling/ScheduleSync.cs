using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Delivery;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Keeps Quartz's triggers in step with the scheduling tables, which the <c>schedule</c> commands write from another
/// process: at start and every <see cref="SchedulingOptions.SyncInterval"/>, each scheduled campaign and each plan
/// gets its trigger (created, or re-created when moved or changed), and triggers whose campaign or plan is gone are
/// removed. The tables are the truth; Quartz's persistent store is how a firing survives restarts and fails over.
/// </summary>
public sealed class ScheduleSync(ISchedulerFactory schedulers, IScheduleStore store, SchedulingOptions options,
    ILogger<ScheduleSync> logger) : BackgroundService
{
    private readonly SchedulingOptions _options = options.Normalized();

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
public sealed class DeliveryEngine(IScheduleStore store, ScheduledCampaignRunner runner, SchedulingOptions options,
    TimeProvider time, ILogger<DeliveryEngine> logger) : BackgroundService
{
    private readonly SchedulingOptions _options = options.Normalized();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
            try
            {
                await Task.Delay(_options.DeliveryInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
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
