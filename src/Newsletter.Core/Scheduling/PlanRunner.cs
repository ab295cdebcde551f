using Microsoft.Extensions.Logging;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Quartz;
using Newsletter.Core.Campaigns;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// What a recurring plan's firing does: publish the newest ready issue not yet sent to the plan's segments, or tell
/// the editors there was nothing to send. One firing per plan and planned time (<see cref="IScheduleStore.TryRecordFiringAsync"/>);
/// a firing later than <see cref="SchedulingOptions.MisfireGrace"/> sends nothing and tells the editors.
/// </summary>
public sealed class PlanRunner(IScheduleStore schedule, ICampaignStore campaigns, IssuePublisher publisher,
    ScheduledCampaignRunner campaignRunner, EditorNotifier notifier, SchedulingOptions options, TimeProvider time,
    ILogger<PlanRunner> logger)
{
    private readonly SchedulingOptions _options = options;

    /// <param name="firedFor">The time the trigger fired for; for a misfire fired late, the planned time is found from the cron.</param>
    /// <param name="recovering">The firing is re-run after its node died: continue what it began.</param>
    public async Task<FiringOutcome?> FireAsync(long planId, DateTimeOffset firedFor, bool recovering, string node, CancellationToken ct)
    {
        var plan = await schedule.GetPlanAsync(planId, ct);
        if (plan is null)
        {
            return null;
        }
        var planned = PlannedTime(plan, firedFor);
        var firing = await schedule.TryRecordFiringAsync(Firing.PlanKind, planId, planned, node, FiringOutcome.Started, null, null, ct);
        if (firing is null)
        {
            var existing = recovering ? await schedule.FindFiringAsync(Firing.PlanKind, planId, planned, ct) : null;
            if (existing is null)
            {
                logger.LogInformation("Plan {Id} already fired for {At}", planId, planned);
                return null;
            }
            if (existing.CampaignId is { } started)
            {
                await campaignRunner.RunAsync(started, ct);
                return FiringOutcome.Started;
            }
            firing = existing;
        }

        var zone = _options.Zone();
        var segments = string.Join(",", plan.Segments) + (plan.Tags.IsEmpty ? "" : $" ({plan.Tags.Describe()})");
        var late = time.GetUtcNow() - planned;
        if (late > _options.MisfireGrace)
        {
            var reason = $"the host was down at {ScheduleTime.Show(planned, zone)}; {ScheduledCampaignRunner.Describe(late)} late is beyond Scheduling:MisfireGrace";
            await schedule.UpdateFiringAsync(firing.Id, FiringOutcome.Missed, null, reason, ct);
            await notifier.NotifyAsync(new EditorNotice($"未发送 / missed: plan {planId} → {segments}",
            [
                $"定期计划 {planId}（{plan.Cron}，{segments}）在 {ScheduleTime.Show(planned, zone)} 未能执行：服务未运行且已超过宽限期。",
                $"Plan {planId} did not send: {reason}. Publish the issue by hand if it is still wanted.",
            ]), 0, ct);
            return FiringOutcome.Missed;
        }

        foreach (var issue in await schedule.ListReadyAsync(ct))
        {
            if (await AlreadySentAsync(issue.IssueKey, plan, ct))
            {
                continue;
            }
            PreparedCampaign prepared;
            try
            {
                prepared = await publisher.PrepareAsync(SourceFile(issue), plan.Segments, plan.Tags, CampaignState.Running, planned, ct);
            }
            catch (Exception e) when (e is IssueRejectedException or AudienceException or EmptyAudienceException or TemplateException or IOException
                or SampleIssueRefusedException)
            {
                await schedule.UpdateFiringAsync(firing.Id, FiringOutcome.Failed, null, $"{issue.IssueKey}: {e.Message}", ct);
                await notifier.NotifyAsync(new EditorNotice($"发送失败 / failed: plan {planId}, issue {issue.IssueKey}",
                [
                    $"定期计划 {planId} 选中了就绪的期刊 {issue.IssueKey}，但无法发送：{e.Message}",
                    $"Plan {planId} picked ready issue {issue.IssueKey} but could not publish it: {e.Message}",
                    "Fix the issue and mark it ready again: newsletter issue ready <file>",
                ]), 0, ct);
                return FiringOutcome.Failed;
            }
            await schedule.UpdateFiringAsync(firing.Id, FiringOutcome.Started, prepared.Campaign.Id, issue.IssueKey, ct);
            logger.LogInformation("Plan {Plan} publishes {Issue} as campaign {Campaign}", planId, issue.IssueKey, prepared.Campaign.Id);
            await campaignRunner.RunAsync(prepared.Campaign.Id, ct);
            return FiringOutcome.Started;
        }

        await schedule.UpdateFiringAsync(firing.Id, FiringOutcome.NothingToSend, null, "no ready issue that was not sent to " + segments, ct);
        await notifier.NotifyAsync(new EditorNotice($"无可发送期刊 / nothing to send: plan {planId} → {segments}",
        [
            $"定期计划 {planId}（{plan.Cron}，{segments}）于 {ScheduleTime.Show(planned, zone)} 执行，但没有尚未发送给这些读者的就绪期刊。",
            $"Plan {planId} fired at {ScheduleTime.Show(planned, zone)} but no issue marked ready is unsent to {segments}.",
            "Mark the next issue ready with: newsletter issue ready <file>",
        ]), 0, ct);
        return FiringOutcome.NothingToSend;
    }

    /// <summary>
    /// The planned time a firing stands for. A trigger that misfired fires "now", off the cron; the planned time is
    /// then the latest cron time at or before it, so lateness and the one-firing-per-time record use the real plan.
    /// </summary>
    public static DateTimeOffset PlannedTime(SchedulePlan plan, DateTimeOffset firedFor)
    {
        var zone = ScheduleTime.FindZone(plan.TimeZone) ?? TimeZoneInfo.Utc;
        if (!CronExpression.TryParse(plan.Cron, out var cron) || cron is null)
        {
            return firedFor;
        }
        cron = cron.WithTimeZone(zone);
        var whole = new DateTimeOffset(firedFor.UtcTicks - firedFor.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (cron.IsSatisfiedBy(whole))
        {
            return whole;
        }
        // Walk forward from the plan's creation (bounded) to the last occurrence before the firing.
        DateTimeOffset? last = null;
        var cursor = cron.GetNextValidTimeAfter(plan.CreatedAt.AddSeconds(-1));
        for (var steps = 0; cursor is { } next && next <= whole && steps < 100_000; steps++)
        {
            last = next;
            cursor = cron.GetNextValidTimeAfter(next);
        }
        return last ?? whole;
    }

    // A campaign covers the plan when it reached all the plan's segments, for the whole segments or with the plan's own tags.
    private async Task<bool> AlreadySentAsync(string issueKey, SchedulePlan plan, CancellationToken ct) =>
        (await campaigns.ListAsync(ct)).Any(c => c.IssueKey == issueKey && c.State is not (CampaignState.Cancelled or CampaignState.Missed)
            && plan.Segments.All(s => c.Segments.Contains(s, StringComparer.Ordinal)) && (c.Tags.IsEmpty || c.Tags.Equals(plan.Tags)));

    /// <summary>The ready issue's file: the original when unchanged, else its stored text under the same name (the name may be its key).</summary>
    private static string SourceFile(ReadyIssue issue)
    {
        if (File.Exists(issue.SourcePath) && File.ReadAllText(issue.SourcePath) == issue.SourceText)
        {
            return issue.SourcePath;
        }
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-ready", issue.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileName(issue.SourcePath));
        File.WriteAllText(path, issue.SourceText);
        return path;
    }
}
