using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;

namespace Newsletter.Web.Pages;

/// <summary>The dashboard: next scheduled sends, the last campaigns with their progress, subscribers per segment and status, and (admins) the configuration check.</summary>
public sealed class IndexModel(ICampaignStore campaigns, ISubscriberStore subscribers, ConfigurationDoctor doctor) : PageModel
{
    /// <summary>The configuration check (<c>newsletter doctor</c>), for admins only; null for editors.</summary>
    public DoctorReport? Doctor { get; private set; }

    public const int RecentCount = 8;

    public IReadOnlyList<Campaign> Upcoming { get; private set; } = [];

    public IReadOnlyList<Campaign> Recent { get; private set; } = [];

    public Dictionary<long, IReadOnlyList<VariantCounts>> Counts { get; } = [];

    public IReadOnlyList<SegmentCount> Segments { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await campaigns.ListAsync(ct);
        Upcoming = [.. all.Where(c => c.State == CampaignState.Scheduled).OrderBy(c => c.ScheduledAt).Take(RecentCount)];
        Recent = [.. all.Take(RecentCount)];
        foreach (var campaign in Recent)
        {
            Counts[campaign.Id] = await campaigns.CountAsync(campaign.Id, ct);
        }
        Segments = await subscribers.CountBySegmentAsync(ct);
        if (User.IsInRole("admin"))
        {
            Doctor = await doctor.RunAsync(ct);
        }
    }
}

/// <summary>How far a campaign got: messages with a final outcome (sent, failed, skipped) out of all.</summary>
public readonly record struct CampaignProgress(int Done, int Total)
{
    public static CampaignProgress Of(IEnumerable<VariantCounts> counts)
    {
        int done = 0, total = 0;
        foreach (var c in counts)
        {
            done += c.Sent + c.Failed + c.Skipped;
            total += c.Total;
        }
        return new CampaignProgress(done, total);
    }
}
