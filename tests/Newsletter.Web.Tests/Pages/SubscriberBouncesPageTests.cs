using Newsletter.Core.Bounces;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Tests.Pages;

/// <summary>Issue 17: the subscriber page lists that subscriber's returned mail — time, campaign, class, status, reason.</summary>
public sealed class SubscriberBouncesPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task The_page_lists_only_this_subscribers_bounces_escaped_with_their_campaign()
    {
        var gone = await App.AddSubscriberAsync($"gone-{Guid.NewGuid():N}@xuchang.gov.cn", "周十", "county");
        var other = await App.AddSubscriberAsync($"other-{Guid.NewGuid():N}@xuchang.gov.cn", "吴十一", "county");
        var upload = await App.UploadSampleAsync();
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["county"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(3))).Campaign;
        var store = App.Services.GetRequiredService<IBounceStore>();
        await store.AddAsync(new BounceRecord
        {
            ReportKey = $"mid:{Guid.NewGuid():N}|{gone.Email}", ReceivedAt = DateTimeOffset.UtcNow, Kind = "bounce", Class = BounceClass.Hard,
            Address = gone.Email, Status = "5.1.1", SmtpCode = 550, Reason = "userunknown", Diagnostic = "550 5.1.1 <gone> <script>x</script>",
            MatchedBy = MatchedBy.Verp, CampaignId = campaign.Id, SubscriberId = gone.Id,
        }, null);
        await store.AddAsync(new BounceRecord
        {
            ReportKey = $"mid:{Guid.NewGuid():N}|{gone.Email}", ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5), Kind = "bounce", Class = BounceClass.Soft,
            Address = gone.Email, Status = "4.2.2", Reason = "mailboxfull", MatchedBy = MatchedBy.Address, SubscriberId = gone.Id,
        }, null);

        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var html = await admin.GetStringAsync($"/Subscribers/Edit/{gone.Id}");
        var quiet = await admin.GetStringAsync($"/Subscribers/Edit/{other.Id}");

        Assert.Contains("退信与投诉", html);
        Assert.Contains("id=\"bounces\"", html);
        Assert.Contains($"href=\"/Campaigns/Details/{campaign.Id}\"", html);
        Assert.Contains(campaign.Title, html);
        Assert.Contains("硬退信", html);
        Assert.Contains("软退信", html);
        Assert.Contains("5.1.1", html);
        Assert.Contains("4.2.2", html);
        Assert.Contains("mailboxfull", html);
        Assert.Contains("550 5.1.1 &lt;gone&gt; &lt;script&gt;x&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>x</script>", html);
        // Newest first: the hard bounce (now) before the soft one (five minutes ago).
        Assert.True(html.IndexOf("5.1.1", StringComparison.Ordinal) < html.IndexOf("4.2.2", StringComparison.Ordinal), html);

        Assert.Contains("id=\"bounces-none\"", quiet);
        Assert.Contains("该地址没有退信或投诉记录。", quiet);
        Assert.DoesNotContain(gone.Email, quiet);
    }
}
