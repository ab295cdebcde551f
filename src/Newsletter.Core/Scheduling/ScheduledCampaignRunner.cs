using Microsoft.Extensions.Logging;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// What a scheduled campaign's firing does. Idempotent: the campaign row is the truth, and leaving <c>scheduled</c>
/// is one conditional update, so a second firing (another node, a recovered job, a trigger re-created by the sync)
/// finds the campaign already started and at most resumes it through the outbox, which never sends a row twice.
/// </summary>
public sealed class ScheduledCampaignRunner(ICampaignStore campaigns, IScheduleStore schedule, CampaignSender sender,
    CampaignReporter reporter, EditorNotifier notifier, SchedulingOptions options, DeliveryOptions delivery, TimeProvider time,
    ILogger<ScheduledCampaignRunner> logger, SendPolicy policy)
{
    /// <summary>A trigger may fire this much before the stored time (clock skew between nodes) and still count.</summary>
    public static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(2);

    private readonly SchedulingOptions _options = options;

    /// <summary>Fires campaign <paramref name="campaignId"/>: sends it when due within the grace, marks it missed when later.</summary>
    /// <returns>What happened, or null when there was nothing to do (cancelled, moved later, already done).</returns>
    public async Task<FiringOutcome?> FireAsync(long campaignId, string node, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null)
        {
            return null;
        }
        if (campaign.State == CampaignState.Running)
        {
            // A recovered firing, or one re-created after the start: continue through the outbox.
            await RunAsync(campaignId, ct);
            return FiringOutcome.Started;
        }
        if (campaign.State != CampaignState.Scheduled || campaign.ScheduledAt is not { } at)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (at > now + EarlyTolerance)
        {
            logger.LogInformation("Campaign {Id} was moved to {At}; this firing is stale", campaignId, at);
            return null;
        }
        var late = now - at;
        if (late > _options.MisfireGrace)
        {
            var reason = $"the host was down at the planned time; {Describe(late)} late is beyond Scheduling:MisfireGrace ({Describe(_options.MisfireGrace)})";
            if (!await schedule.TryLeaveScheduledAsync(campaignId, at, CampaignState.Missed, reason, ct))
            {
                return null;
            }
            await schedule.TryRecordFiringAsync(Firing.CampaignKind, campaignId, at, node, FiringOutcome.Missed, campaignId, reason, ct);
            logger.LogWarning("Campaign {Id} missed: {Reason}", campaignId, reason);
            var zone = _options.Zone();
            await notifier.NotifyAsync(new EditorNotice($"未发送 / missed: campaign {campaignId} {campaign.Title}",
            [
                $"活动 {campaignId}（{campaign.Title}，{campaign.IssueKey}）计划于 {ScheduleTime.Show(at, zone)} 发送，但当时服务未运行，已超过宽限期，未发送。",
                $"Campaign {campaignId} was planned for {ScheduleTime.Show(at, zone)}; {reason}. Nothing was sent.",
                $"To send it now: newsletter campaigns resume {campaignId}, or schedule the issue again.",
            ]), campaignId, ct);
            return FiringOutcome.Missed;
        }

        if (await RefusalAsync(campaign, ct) is { } refusal)
        {
            // Scheduled while the pickup folder was configured, or the settings changed since: checked again at the firing.
            // Cancelled, not paused: a paused campaign can be resumed, and this one must not go out as it is.
            if (!await schedule.TryLeaveScheduledAsync(campaignId, at, CampaignState.Cancelled, refusal, ct))
            {
                return null;
            }
            await schedule.TryRecordFiringAsync(Firing.CampaignKind, campaignId, at, node, FiringOutcome.Failed, campaignId, refusal, ct);
            logger.LogWarning("Campaign {Id} refused: {Reason}", campaignId, refusal);
            await notifier.NotifyAsync(new EditorNotice($"已拒绝发送 / refused: campaign {campaignId} {campaign.Title}",
            [
                $"活动 {campaignId}（{campaign.Title}）未发送：样刊或缺少期号、日期的期刊不能通过 SMTP 发给正式读者。",
                $"Campaign {campaignId} was not sent: {refusal}.",
                "The campaign is cancelled. Give the issue its 期号 and date and schedule it again.",
            ]), campaignId, ct);
            return FiringOutcome.Failed;
        }
        if (!await schedule.TryLeaveScheduledAsync(campaignId, at, CampaignState.Running, null, ct))
        {
            return null;
        }
        await schedule.TryRecordFiringAsync(Firing.CampaignKind, campaignId, at, node, FiringOutcome.Started, campaignId,
            late > TimeSpan.FromSeconds(1) ? $"{Describe(late)} late" : null, ct);
        await RunAsync(campaignId, ct);
        return FiringOutcome.Started;
    }

    /// <summary>Sends what is due of a running campaign, then reports to the editors if it has ended.</summary>
    public async Task RunAsync(long campaignId, CancellationToken ct)
    {
        var summary = await sender.RunAsync(campaignId, delivery.ForegroundRetryWindow, progress: null, ct);
        if (summary.AlreadyRunning)
        {
            // The run under way logs and reports its own end; a line from here would announce an end that is not one.
            return;
        }
        logger.LogInformation("Campaign {Id}: {State}, {Remaining} remaining", campaignId, summary.Campaign.State, summary.Remaining);
        if (!ct.IsCancellationRequested)
        {
            await reporter.ReportIfEndedAsync(campaignId, ct);
        }
    }

    /// <summary>Why <see cref="SendPolicy"/> refuses the campaign's stored issue now, or null when it may go.</summary>
    private async Task<string?> RefusalAsync(Campaign campaign, CancellationToken ct) =>
        (await policy.CheckStoredAsync(campaigns, campaign, ct))?.Message;

    internal static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
