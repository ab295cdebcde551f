using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Pages;

/// <summary>Issue 17: the campaign page shows the returned mail stored for the campaign.</summary>
public sealed class CampaignBouncesPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task The_report_counts_bounces_and_lists_them_escaped()
    {
        await App.AddSubscriberAsync($"b-{Guid.NewGuid():N}@example.org", "孙九", "county");
        var upload = await App.UploadSampleAsync();
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["county"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(3))).Campaign;
        var store = App.Services.GetRequiredService<IBounceStore>();
        await store.AddAsync(new BounceRecord
        {
            ReportKey = $"mid:{Guid.NewGuid():N}|gone@xuchang.gov.cn", ReceivedAt = DateTimeOffset.UtcNow, Kind = "bounce", Class = BounceClass.Hard,
            Address = "gone@xuchang.gov.cn", Status = "5.1.1", SmtpCode = 550, Reason = "userunknown", Diagnostic = "550 5.1.1 <gone> unknown",
            MatchedBy = MatchedBy.Address, CampaignId = campaign.Id,
        }, null);

        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var html = await editor.GetStringAsync($"/Campaigns/Details/{campaign.Id}");

        Assert.Contains("退信与投诉", html);
        Assert.Contains("硬退信 1 封，软退信 0 封，投诉 0 封", html);
        Assert.Contains("gone@xuchang.gov.cn", html);
        Assert.Contains("550 5.1.1 &lt;gone&gt; unknown", html);
    }
}
