using System.Text.RegularExpressions;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Pages;

/// <summary>
/// Issue 13: the live campaign page tells the truth: done/total per segment from the outbox, and the rate and ETA
/// measured between refreshes ("—" until measured).
/// </summary>
public sealed partial class CampaignProgressPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task A_running_campaign_shows_each_segments_progress_and_the_measured_rate_and_eta()
    {
        for (var i = 0; i < 4; i++)
        {
            await App.AddSubscriberAsync($"m{i}-{Guid.NewGuid():N}@example.org", "市" + i, "municipal");
        }
        for (var i = 0; i < 2; i++)
        {
            await App.AddSubscriberAsync($"c{i}-{Guid.NewGuid():N}@example.org", "县" + i, "county");
        }
        var upload = await App.UploadSampleAsync();
        var campaigns = App.Services.GetRequiredService<ICampaignStore>();
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["municipal", "county"], CampaignState.Running, null)).Campaign;
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var url = $"/Campaigns/Details/{campaign.Id}";

        var before = await editor.GetStringAsync(url);
        Assert.Equal("0 / 4", Cell(before, "progress-municipal"));
        Assert.Equal("0 / 2", Cell(before, "progress-county"));
        Assert.Equal("—", Cell(before, "progress-rate"));
        Assert.Equal("—", Cell(before, "progress-eta"));

        var now = DateTimeOffset.UtcNow;
        var outbox = App.Services.GetRequiredService<IOutbox>();
        var claimed = await outbox.ClaimAsync(campaign.Id, "test", 10, now, now.AddMinutes(5));
        await outbox.RecordAsync([.. claimed.Where(e => e.Variant == "municipal").Take(3)
            .Select(e => new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Sent, 1, "250 2.0.0 Ok", now, null, false))]);
        await Task.Delay(50);   // the two looks must be apart in time for a rate

        var after = await editor.GetStringAsync(url);
        Assert.Equal("3 / 4", Cell(after, "progress-municipal"));
        Assert.Equal("0 / 2", Cell(after, "progress-county"));
        Assert.Matches(@"^[0-9][0-9,.]*/s$", Cell(after, "progress-rate"));
        Assert.Matches(@"^[0-9]+:[0-5][0-9]:[0-5][0-9]$", Cell(after, "progress-eta"));
    }

    /// <summary>The text of the element with id <paramref name="id"/>, without its progress bar.</summary>
    private static string Cell(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{id}\">(.*?)</dd>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no #{id} in the page");
        return ProgressBar().Replace(match.Groups[1].Value, "").Trim();
    }

    [GeneratedRegex("<progress[^>]*></progress>")]
    private static partial Regex ProgressBar();
}
