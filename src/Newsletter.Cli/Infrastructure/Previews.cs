using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Cli.Infrastructure;

/// <summary>Writes each stored variant of a campaign as an HTML file with sample recipient values.</summary>
internal static class Previews
{
    public const string Folder = "preview";

    /// <summary>Sample values for previews and test sends without a real subscriber.</summary>
    public static RecipientValues SampleValues(string email = "preview@example.org") =>
        new("尊敬的王局长", "王建国", email, "#unsubscribe", "#view-in-browser");

    /// <returns>The folder written.</returns>
    public static async Task<string> WriteAsync(IServiceProvider services, Campaign campaign, CancellationToken ct)
    {
        var folder = Path.GetFullPath(Path.Combine(Folder, campaign.BatchName));
        Directory.CreateDirectory(folder);
        foreach (var variant in await services.GetRequiredService<ICampaignStore>().GetVariantsAsync(campaign.Id, ct))
        {
            var html = SlotTemplate.Parse(variant.Html).Render(SampleValues(), htmlEscape: true);
            await File.WriteAllTextAsync(Path.Combine(folder, variant.Key + ".html"), html, ct);
        }
        return folder;
    }
}
