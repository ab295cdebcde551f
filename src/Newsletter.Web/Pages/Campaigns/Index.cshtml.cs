using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Pages.Campaigns;

public sealed class IndexModel(ICampaignStore campaigns, ISubscriberStore subscribers) : PageModel
{
    public const int Limit = 200;

    public IReadOnlyList<Campaign> Campaigns { get; private set; } = [];

    public Dictionary<long, IReadOnlyList<VariantCounts>> Counts { get; } = [];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Campaigns = [.. (await campaigns.ListAsync(ct)).Take(Limit)];
        foreach (var campaign in Campaigns)
        {
            Counts[campaign.Id] = await campaigns.CountAsync(campaign.Id, ct);
        }
        Known = await subscribers.ListSegmentsAsync(ct);
    }
}
