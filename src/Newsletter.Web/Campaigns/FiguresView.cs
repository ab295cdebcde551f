using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Figures;
using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Campaigns;

/// <summary>Issue 21: the figures of one campaign on its page (<c>Pages/Shared/Components/CampaignFigures</c>).</summary>
public sealed class CampaignFiguresViewComponent(ICampaignFigures figures, ISubscriberStore subscribers) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(long campaignId)
    {
        var model = await figures.GetAsync(campaignId, HttpContext.RequestAborted);
        var known = await subscribers.ListSegmentsAsync(HttpContext.RequestAborted);
        return View(new CampaignFiguresModel(model, known));
    }
}

public sealed record CampaignFiguresModel(CampaignFigures? Figures, IReadOnlyList<Segment> Known);

/// <summary>Issue 21: the last five issues' figures side by side on the dashboard (<c>Pages/Shared/Components/RecentFigures</c>).</summary>
public sealed class RecentFiguresViewComponent(ICampaignStore campaigns, ICampaignFigures figures) : ViewComponent
{
    public const int Count = 5;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        var ct = HttpContext.RequestAborted;
        var list = new List<(Campaign, CampaignFigures)>();
        // Newest first; only campaigns that have sent something (a scheduled or cancelled one has no figures to compare).
        foreach (var campaign in (await campaigns.ListAsync(ct)).OrderByDescending(c => c.Id))
        {
            if (list.Count == Count) break;
            if (await figures.GetAsync(campaign.Id, ct) is { FirstSentAt: not null } f) list.Add((campaign, f));
        }
        return View(list);
    }
}

/// <summary>The bars the figures chart draws, in one place for the campaign page and the dashboard.</summary>
public static class FiguresChart
{
    public static IReadOnlyList<ReportChart.SeriesBar> Bars(FigureCounts f, UiText text)
    {
        var bars = new List<ReportChart.SeriesBar>
        {
            new("delivered", text["figures.delivered"], f.Delivered, "#2e7d32"),
            new("bounced", text["figures.bounced"], f.Bounced, "#c62828"),
            new("unsubscribed", text["figures.unsubscribed"], f.Unsubscribed, "#6d4c41"),
            new("webviews", text["figures.webViews"], f.WebViews, "#1565c0"),
        };
        if (f.Tracked is { } t)
        {
            bars.Add(new("opens", text["figures.opens"], t.Opens, "#00838f"));
            bars.Add(new("proxy-opens", text["figures.proxyOpens"], t.ProxyOpens, "#90a4ae"));
            bars.Add(new("clicks", text["figures.clicks"], t.Clicks, "#f9a825"));
        }
        return bars;
    }

    public static IHtmlContent Campaign(CampaignFigures figures, IReadOnlyList<Segment> known, UiText text) =>
        ReportChart.RenderSeries([.. figures.Segments.Select(s => (Display.SegmentName(s.Segment, known), Bars(s.Figures, text)))], text["figures.title"]);
}

/// <summary>Issue 21: <c>GET /Campaigns/Export/{id}</c>, the figures workbook (editors and admins).</summary>
public static class FiguresExportEndpoints
{
    public static IEndpointRouteBuilder MapFiguresExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/Campaigns/Export/{id:long}", async (long id, HttpContext context, ICampaignStore campaigns, ICampaignFigures figures,
                ISubscriberStore subscribers, TimeProvider time, CancellationToken ct) =>
            {
                if (await campaigns.GetAsync(id, ct) is not { } campaign || await figures.GetAsync(id, ct) is not { } model) return Results.NotFound();
                var known = await subscribers.ListSegmentsAsync(ct);
                var buffer = new MemoryStream();
                FiguresWorkbook.Write(buffer, campaign, model, k => known.FirstOrDefault(s => s.Key == k)?.NameZh ?? k, time.GetUtcNow());
                context.Response.Headers.CacheControl = "no-store, private";
                return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"campaign-{id}-figures.xlsx");
            })
            .RequireAuthorization(SignInService.EditorPolicy)
            .WithName("FiguresExport");
        return app;
    }
}
