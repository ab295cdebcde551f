using System.Globalization;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// When a campaign has ended, sends the editors a short report: recipients, delivered, skipped, failed per segment,
/// and the first failures. Exactly one report per campaign, whichever node finishes it
/// (<see cref="IScheduleStore.TryClaimReportAsync"/>).
/// </summary>
public sealed class CampaignReporter(ICampaignStore campaigns, IScheduleStore schedule, EditorNotifier notifier, TimeProvider time)
{
    /// <summary>How many failed recipients a report lists.</summary>
    public const int FailuresListed = 20;

    /// <returns>True when this call sent the report.</returns>
    public async Task<bool> ReportIfEndedAsync(long campaignId, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null || campaign.State != CampaignState.Completed)
        {
            return false;
        }
        if (!await schedule.TryClaimReportAsync(campaignId, time.GetUtcNow(), ct))
        {
            return false;
        }
        var counts = await campaigns.CountAsync(campaignId, ct);
        var failures = await campaigns.ListFailuresAsync(campaignId, FailuresListed, ct);
        await notifier.NotifyAsync(Build(campaign, counts, failures), campaignId, ct);
        return true;
    }

    /// <summary>The report's text: one line per segment, then totals and failures.</summary>
    public static EditorNotice Build(Campaign campaign, IReadOnlyList<VariantCounts> counts, IReadOnlyList<RecipientFailure> failures)
    {
        var lines = new List<string>
        {
            $"活动 {campaign.Id}：{campaign.Title}（{campaign.IssueKey}）已结束 / campaign {campaign.Id} has ended",
        };
        if (!campaign.Tags.IsEmpty)
        {
            lines.Add($"筛选 / tags: {campaign.Tags.Describe()}");
        }
        lines.AddRange(["", "segment: recipients, delivered, skipped, failed, deferred"]);
        foreach (var segment in campaign.Segments)
        {
            var c = counts.FirstOrDefault(x => x.Variant == segment) ?? new VariantCounts(segment, 0, 0, 0, 0, 0);
            lines.Add(Line(segment, c));
        }
        var total = new VariantCounts("total", counts.Sum(c => c.Pending), counts.Sum(c => c.Sent), counts.Sum(c => c.Deferred),
            counts.Sum(c => c.Failed), counts.Sum(c => c.Skipped));
        lines.Add(Line("total", total));
        if (failures.Count > 0)
        {
            lines.Add("");
            lines.Add("failures:");
            lines.AddRange(failures.Select(f => $"  {f.Email} ({f.Variant}, {f.Attempts} attempts): {f.Reply}"));
        }
        var failed = total.Failed.ToString(CultureInfo.InvariantCulture);
        return new EditorNotice($"发送报告 / report: campaign {campaign.Id}, {total.Sent}/{total.Total} delivered, {failed} failed", lines);
    }

    private static string Line(string name, VariantCounts c) =>
        $"{name}: {c.Total}, {c.Sent}, {c.Skipped}, {c.Failed}, {c.Deferred}";
}
