using Newsletter.Core.Figures;

namespace Newsletter.Cli.Commands;

/// <summary>Issue 21: <c>--tracking</c> of <c>publish</c> and <c>schedule issue</c>.</summary>
internal static class TrackingOption
{
    public const string Description =
        "cli.tracking.option"; // a key of Localization/cli.*.json

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
            AnsiConsole.MarkupLine(Texts.Get("cli.tracking_option.tracking_on_messages_carry"));
        }
    }
}
