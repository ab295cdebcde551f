using System.Globalization;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// The Quartz job of one scheduled campaign (job and trigger <c>campaigns.campaign-{id}</c>). Never two at once for
/// one campaign; asks for recovery, so when its node dies mid-send another node re-runs it
/// (<see cref="IJobExecutionContext.Recovering"/>) and the runner resumes the campaign from the outbox.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ScheduledCampaignJob(ScheduledCampaignRunner runner, SchedulerNode node, IHostApplicationLifetime lifetime) : IJob
{
    public const string Group = "campaigns";
    private const string Prefix = "campaign-";

    public static JobKey JobKeyFor(long campaignId) => new(Prefix + campaignId.ToString(CultureInfo.InvariantCulture), Group);

    public static TriggerKey TriggerKeyFor(long campaignId) => new(Prefix + campaignId.ToString(CultureInfo.InvariantCulture), Group);

    public static long? CampaignIdOf(string keyName) =>
        keyName.StartsWith(Prefix, StringComparison.Ordinal) && long.TryParse(keyName.AsSpan(Prefix.Length), CultureInfo.InvariantCulture, out var id) ? id : null;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (CampaignIdOf(context.JobDetail.Key.Name) is not { } id)
        {
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await runner.FireAsync(id, node.Name, stop.Token);
    }
}

/// <summary>The Quartz job of one recurring plan (job and trigger <c>plans.plan-{id}</c>, a cron trigger in the plan's zone).</summary>
[DisallowConcurrentExecution]
public sealed class PlanJob(PlanRunner runner, SchedulerNode node, IHostApplicationLifetime lifetime) : IJob
{
    public const string Group = "plans";
    private const string Prefix = "plan-";

    public static JobKey JobKeyFor(long planId) => new(Prefix + planId.ToString(CultureInfo.InvariantCulture), Group);

    public static TriggerKey TriggerKeyFor(long planId) => new(Prefix + planId.ToString(CultureInfo.InvariantCulture), Group);

    public static long? PlanIdOf(string keyName) =>
        keyName.StartsWith(Prefix, StringComparison.Ordinal) && long.TryParse(keyName.AsSpan(Prefix.Length), CultureInfo.InvariantCulture, out var id) ? id : null;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (PlanIdOf(context.JobDetail.Key.Name) is not { } id)
        {
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await runner.FireAsync(id, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.Recovering, node.Name, stop.Token);
    }
}
