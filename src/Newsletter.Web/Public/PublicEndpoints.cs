using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Data;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Public;

/// <summary>
/// The endpoints reached without signing in: the web view of a sent message (<c>/v/{token}</c>) and <c>/healthz</c>.
/// The unsubscribe page (<c>/u/{token}</c>) is the Razor page <c>Pages/Public/Unsubscribe</c>.
/// </summary>
public static class PublicEndpoints
{
    public static IEndpointRouteBuilder MapPublicEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v/{token}", ViewAsync).AllowAnonymous().WithName("WebView");
        app.MapGet("/healthz", HealthAsync).AllowAnonymous().WithName("Health");
        return app;
    }

    /// <summary>The issue as sent to this subscriber: the campaign's stored variant, personalised as in the message.</summary>
    private static async Task<IResult> ViewAsync(string token, HttpContext context, SubscriberTokens tokens, ICampaignStore campaigns,
        IRecipientLinks links, Core.Figures.IReaderEventStore events, CancellationToken ct)
    {
        if (!tokens.TryVerify(token, TokenPurpose.View, out var subscriberId, out var campaignId)) return Results.NotFound();
        var entry = await campaigns.FindEntryAsync(campaignId, subscriberId, ct);
        if (entry is null) return Results.NotFound();
        var variant = (await campaigns.GetVariantsAsync(campaignId, ct)).FirstOrDefault(v => v.Key == entry.Variant);
        if (variant is null) return Results.NotFound();
        await TrackingEndpoints.RecordAsync(events, entry, Core.Figures.ReaderEventKind.WebView, context, ct);   // issue 21

        var values = new RecipientValues(entry.Salutation, entry.Name, entry.Email,
            links.UnsubscribeUrl(subscriberId, campaignId), links.ViewUrl(subscriberId, campaignId));
        var html = SlotTemplate.Parse(variant.Html).Render(values, htmlEscape: true);
        SecurityHeaders.SetEmailHeaders(context.Response, framedByAdmin: false);
        context.Response.Headers["X-Robots-Tag"] = "noindex";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>200 "ok" when the database answers, 503 otherwise (for monitoring).</summary>
    private static async Task<IResult> HealthAsync(NewsletterDatabase database, CancellationToken ct)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            return Results.Text("ok", "text/plain");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or DatabaseConfigurationException or InvalidOperationException or IOException)
        {
            return Results.Text("database unavailable", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
