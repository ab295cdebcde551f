using Newsletter.Core;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Cli.Infrastructure;

/// <summary>Writes each stored variant of a campaign as an HTML file with sample recipient values (<see cref="RecipientValues.Sample"/>).</summary>
internal static class Previews
{
    /// <summary>The previews' folder in the home (<see cref="NewsletterHome"/>).</summary>
    public const string Folder = "preview";

    /// <returns>The folder written.</returns>
    public static async Task<string> WriteAsync(IServiceProvider services, Campaign campaign, CancellationToken ct)
    {
        var folder = services.GetRequiredService<NewsletterHome>().Data(Path.Combine(Folder, campaign.BatchName));
        Directory.CreateDirectory(folder);
        foreach (var variant in await services.GetRequiredService<ICampaignStore>().GetVariantsAsync(campaign.Id, ct))
        {
            var html = SlotTemplate.Parse(variant.Html).Render(RecipientValues.Sample, htmlEscape: true);
            await File.WriteAllTextAsync(Path.Combine(folder, variant.Key + ".html"), html, ct);
        }
        return folder;
    }
}
