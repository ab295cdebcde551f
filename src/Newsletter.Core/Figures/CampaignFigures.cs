namespace Newsletter.Core.Figures;

/// <summary>
/// How one campaign was received, per segment and in total. Each figure counts recipients (outbox rows), never
/// messages or hits twice:
/// <list type="bullet">
/// <item><see cref="Recipients"/>: the campaign's outbox rows (everyone it was created for, skipped ones included);</item>
/// <item><see cref="Delivered"/>, <see cref="Deferred"/>, <see cref="Failed"/>: rows in that state now (delivered = accepted by the receiving server);</item>
/// <item><see cref="Bounced"/>: recipients with a bounce report (hard or soft) matched to this campaign;</item>
/// <item><see cref="Unsubscribed"/>: recipients who unsubscribed themselves (one-click, the page, a mailed request)
/// within 7 days of the campaign's first send, whichever issue's link they used;</item>
/// <item><see cref="WebViews"/>: recipients who opened their <c>/v/{token}</c> web view at least once.</item>
/// </list>
/// </summary>
public sealed record FigureCounts(int Recipients, int Delivered, int Deferred, int Failed, int Bounced, int Unsubscribed, int WebViews)
{
    public static FigureCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Open and click figures; null when the campaign was not tracked.</summary>
    public TrackedCounts? Tracked { get; init; }

    public static FigureCounts Sum(IEnumerable<FigureCounts> all)
    {
        var list = all.ToList();
        var tracked = list.Select(f => f.Tracked).OfType<TrackedCounts>().ToList();
        return new FigureCounts(list.Sum(f => f.Recipients), list.Sum(f => f.Delivered), list.Sum(f => f.Deferred), list.Sum(f => f.Failed),
            list.Sum(f => f.Bounced), list.Sum(f => f.Unsubscribed), list.Sum(f => f.WebViews))
        {
            Tracked = tracked.Count == 0 ? null : TrackedCounts.Sum(tracked),
        };
    }
}

/// <summary>
/// Figures of a tracked campaign. <see cref="Opens"/>: recipients whose pixel was fetched by a mail client or browser;
/// <see cref="ProxyOpens"/>: recipients whose pixel was fetched only by an image proxy (Apple Mail Privacy Protection
/// prefetches every message, Gmail's and Yahoo's proxies hide the reader), counted apart because such a fetch is no
/// proof of reading. <see cref="Clicks"/>: recipients who followed at least one link; <see cref="Links"/> per link.
/// </summary>
public sealed record TrackedCounts(int Opens, int ProxyOpens, int Clicks, IReadOnlyList<LinkClicks> Links)
{
    public static TrackedCounts Sum(IReadOnlyList<TrackedCounts> all) => new(all.Sum(t => t.Opens), all.Sum(t => t.ProxyOpens), all.Sum(t => t.Clicks),
        // Segments may have different links (a section only one gets): the total adds them up by target.
        all.SelectMany(t => t.Links).GroupBy(l => l.Url, StringComparer.Ordinal).Select(g => new LinkClicks(g.Min(l => l.Link), g.Key,
            g.First().Text, g.Sum(l => l.Recipients), g.Sum(l => l.Clicks))).OrderBy(l => l.Link).ToList());
}

/// <summary>One link of the issue (its number in the HTML, from 1): recipients who clicked it, and clicks in all.</summary>
/// <param name="Url">The link's target; empty when the link is not in the stored HTML (a segment without it).</param>
/// <param name="Text">The link's text: an article's title or "阅读原文".</param>
public sealed record LinkClicks(int Link, string Url, string Text, int Recipients, int Clicks);

/// <summary>The figures of one segment (the variant its recipients got).</summary>
public sealed record SegmentFigures(string Segment, FigureCounts Figures);

/// <summary>The figures of a campaign: per segment in the campaign's order, and their total.</summary>
/// <param name="FirstSentAt">When its first message was tried; the 7-day unsubscribe window starts then.</param>
/// <param name="FrozenAt">When its reader events were pruned (the reader figures are final since); null while kept.</param>
public sealed record CampaignFigures(long CampaignId, bool Tracking, DateTimeOffset? FirstSentAt, DateTimeOffset? FrozenAt,
    IReadOnlyList<SegmentFigures> Segments)
{
    public FigureCounts Total => FigureCounts.Sum(Segments.Select(s => s.Figures));
}

/// <summary>The figures of campaigns; declared here, implemented in Newsletter.Data.</summary>
public interface ICampaignFigures
{
    /// <summary>The campaign's figures, or null when there is no such campaign.</summary>
    Task<CampaignFigures?> GetAsync(long campaignId, CancellationToken ct = default);
}
