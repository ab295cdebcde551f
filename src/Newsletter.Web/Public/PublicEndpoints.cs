using Newsletter.Core.Archive;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Newsletter.Web.Archive;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Public;

/// <summary>
/// The endpoints reached without signing in: the web view of a sent message (<c>/v/{token}</c>), <c>/healthz</c> and
/// <c>/robots.txt</c> (everything disallowed).
/// The unsubscribe page (<c>/u/{token}</c>) is the Razor page <c>Pages/Public/Unsubscribe</c>.
/// </summary>
public static class PublicEndpoints
{
    public static IEndpointRouteBuilder MapPublicEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v/{token}", ViewAsync).AllowAnonymous().WithName("WebView");
        app.MapGet("/healthz", HealthAsync).AllowAnonymous().WithName("Health");
        // Nothing here is for search engines: the admin is internal, the token pages are personal.
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /\n", "text/plain; charset=utf-8")).AllowAnonymous().WithName("Robots");
        return app;
    }

    /// <summary>
    /// The issue as sent to this subscriber: the campaign's stored variant, personalised as in the message, followed by
    /// the other issues delivered to this subscriber (the 往期 of this reader only), each behind its own signed token.
    /// </summary>
    private static async Task<IResult> ViewAsync(string token, HttpContext context, SubscriberTokens tokens, ICampaignStore campaigns,
        IRecipientLinks links, IArchiveStore archive, UiText text, Display display, Core.Figures.IReaderEventStore events, CancellationToken ct)
    {
        if (!tokens.TryVerify(token, TokenPurpose.View, out var subscriberId, out var campaignId)) return Results.NotFound();
        var entry = await campaigns.FindEntryAsync(campaignId, subscriberId, ct);
        if (entry is null) return Results.NotFound();
        var variant = (await campaigns.GetVariantsAsync(campaignId, ct)).FirstOrDefault(v => v.Key == entry.Variant);
        if (variant is null) return Results.NotFound();
        await TrackingEndpoints.RecordAsync(events, entry, Core.Figures.ReaderEventKind.WebView, context, ct);   // issue 21

        var values = new RecipientValues(entry.Salutation, entry.Name, entry.Email,
            links.UnsubscribeUrl(subscriberId, campaignId), links.ViewUrl(subscriberId, campaignId));
        var html = ArchiveHtml.WithNoIndexMeta(SlotTemplate.Parse(variant.Html).Render(values, htmlEscape: true));
        var others = (await archive.ListReceivedAsync(subscriberId, ct)).Where(i => i.CampaignId != campaignId).ToList();
        if (others.Count > 0)
        {
            html = ArchiveHtml.BeforeBodyEnd(html, ArchiveHtml.ReaderList(others, other => links.ViewUrl(subscriberId, other), text, display));
        }
        SecurityHeaders.SetEmailHeaders(context.Response, framedByAdmin: false);
        ArchiveHtml.MarkNoIndex(context.Response);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>200 "ok" when the database answers, 503 otherwise (for monitoring).</summary>
    private static async Task<IResult> HealthAsync(IStoreHealth store, CancellationToken ct) =>
        await store.IsAvailableAsync(ct)
            ? Results.Text("ok", "text/plain")
            : Results.Text("database unavailable", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
}
