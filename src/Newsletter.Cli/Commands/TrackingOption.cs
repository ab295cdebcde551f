using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Figures;
using Spectre.Console;

namespace Newsletter.Cli.Commands;

/// <summary>Issue 21: <c>--tracking</c> of <c>publish</c> and <c>schedule issue</c>.</summary>
internal static class TrackingOption
{
    public const string Description =
        "Measure reading of this campaign: an open pixel and click redirects through /c/…, and a footer saying so. Off by default (Tracking:Enabled turns it on for every campaign).";

    /// <summary>Switches tracking on for the campaign when asked; says whether the campaign is tracked.</summary>
    public static async Task ApplyAsync(IServiceProvider services, long campaignId, bool requested, CancellationToken ct)
    {
        var tracking = services.GetRequiredService<ICampaignTracking>();
        if (requested)
        {
            await tracking.SetAsync(campaignId, true, ct);
        }
        if (await tracking.IsTrackedAsync(campaignId, ct))
        {
            AnsiConsole.MarkupLine("tracking on: messages carry an open pixel and click redirects, and their footer says so");
        }
    }
}
