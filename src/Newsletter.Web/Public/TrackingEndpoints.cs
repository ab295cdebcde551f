using Newsletter.Core.Delivery;
using Newsletter.Core.Figures;

namespace Newsletter.Web.Public;

/// <summary>
/// Issue 21: the open pixel (<c>/o/{token}</c>) and click redirects (<c>/c/{token}</c>) of tracked campaigns, reached
/// without signing in. A token that does not verify, names no recipient or no link answers 404: the redirect's target
/// is read from the campaign's stored HTML, never from the URL, so these are never open redirects. The request's
/// user agent decides the coarse client family of an open and is then forgotten; no IP address is stored.
/// </summary>
public static class TrackingEndpoints
{
    // A transparent 1×1 GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/o/{token}", OpenAsync).AllowAnonymous().WithName("OpenPixel");
        app.MapGet("/c/{token}", ClickAsync).AllowAnonymous().WithName("ClickRedirect");
        return app;
    }

    /// <summary>Records an event of the recipient <paramref name="entry"/>; a failing write never fails the reader's request.</summary>
    internal static async Task RecordAsync(IReaderEventStore events, OutboxEntry entry, ReaderEventKind kind, HttpContext context,
        CancellationToken ct, int? link = null, string? client = null)
    {
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        try
        {
            await events.RecordAsync(new ReaderEvent(entry.CampaignId, entry.Id, entry.SubscriberId, kind, time.GetUtcNow(), link, Client: client), ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TrackingEndpoints))
                .LogWarning("reader event not recorded: {Reason}", e.Message);
        }
    }

    private static async Task<IResult> OpenAsync(string token, HttpContext context, TrackingTokens tokens, ICampaignStore campaigns,
        IReaderEventStore events, CancellationToken ct)
    {
        if (!tokens.TryVerifyOpen(token, out var subscriberId, out var campaignId)) return Results.NotFound();
        var entry = await campaigns.FindEntryAsync(campaignId, subscriberId, ct);
        if (entry is null) return Results.NotFound();
        await RecordAsync(events, entry, ReaderEventKind.Open, context, ct, client: ClientFamily.Classify(context.Request.Headers.UserAgent));
        context.Response.Headers.CacheControl = "no-store, private";
        context.Response.Headers["X-Robots-Tag"] = "noindex";
        return Results.Bytes(Pixel, "image/gif");
    }

    private static async Task<IResult> ClickAsync(string token, HttpContext context, TrackingTokens tokens, ICampaignStore campaigns,
        IReaderEventStore events, CancellationToken ct)
    {
        if (!tokens.TryVerifyClick(token, out var subscriberId, out var campaignId, out var link)) return Results.NotFound();
        var entry = await campaigns.FindEntryAsync(campaignId, subscriberId, ct);
        if (entry is null) return Results.NotFound();
        var variant = (await campaigns.GetVariantsAsync(campaignId, ct)).FirstOrDefault(v => v.Key == entry.Variant);
        if (variant is null || TrackedLinks.Find(variant.Html) is not { } links || link > links.Count) return Results.NotFound();
        await RecordAsync(events, entry, ReaderEventKind.Click, context, ct, link: link);
        context.Response.Headers.CacheControl = "no-store, private";
        context.Response.Headers["X-Robots-Tag"] = "noindex";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Redirect(links[link - 1].Url);
    }
}
