using System.Net;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Pages;

public sealed class CampaignPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private ICampaignStore Campaigns => App.Services.GetRequiredService<ICampaignStore>();

    private async Task<Campaign> ScheduleAsync(DateTimeOffset at)
    {
        await App.AddSubscriberAsync($"c-{Guid.NewGuid():N}@example.org", "钱八", "county");
        var upload = await App.UploadSampleAsync();
        return (await App.Services.GetRequiredService<IssuePublisher>().PrepareAsync(upload.Path, ["county"], CampaignState.Scheduled, at)).Campaign;
    }

    [Fact]
    public async Task Admins_pause_and_cancel_a_scheduled_campaign()
    {
        var campaign = await ScheduleAsync(DateTimeOffset.UtcNow.AddDays(2));
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var url = $"/Campaigns/Details/{campaign.Id}";

        using var pause = await WebApp.PostFormAsync(admin, url, [], url + "?handler=Pause");
        Assert.Equal(HttpStatusCode.Redirect, pause.StatusCode);
        Assert.Equal(CampaignState.Paused, (await Campaigns.GetAsync(campaign.Id))!.State);

        using var cancel = await WebApp.PostFormAsync(admin, url, [], url + "?handler=Cancel");
        Assert.Equal(CampaignState.Cancelled, (await Campaigns.GetAsync(campaign.Id))!.State);

        using var resume = await WebApp.PostFormAsync(admin, "/Issues", [], url + "?handler=Resume");
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("不能执行此操作", await resume.Content.ReadAsStringAsync());
        Assert.Equal(CampaignState.Cancelled, (await Campaigns.GetAsync(campaign.Id))!.State);
    }

    [Fact]
    public async Task The_dashboard_lists_the_next_scheduled_send_and_the_report_shows_the_segment()
    {
        var campaign = await ScheduleAsync(DateTimeOffset.UtcNow.AddDays(3));
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        var dashboard = await editor.GetStringAsync("/");
        var report = await editor.GetStringAsync($"/Campaigns/Details/{campaign.Id}");

        Assert.Contains($"/Campaigns/Details/{campaign.Id}", dashboard);
        Assert.Contains("已定时", report);
        Assert.Contains("县级领导", report);
        Assert.Contains("<svg class=\"chart\"", report);
        Assert.DoesNotContain("handler=Pause", report);
    }

    [Fact]
    public async Task An_unknown_campaign_is_404()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        using var response = await editor.GetAsync("/Campaigns/Details/987654");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class CampaignReportTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task The_report_counts_failures_and_lists_them_with_the_smtp_reply()
    {
        var failing = await App.AddSubscriberAsync($"fail-{Guid.NewGuid():N}@example.org", "失败", "enterprise");
        await App.AddSubscriberAsync($"ok-{Guid.NewGuid():N}@example.org", "成功", "enterprise");
        var upload = await App.UploadSampleAsync();
        var campaigns = App.Services.GetRequiredService<ICampaignStore>();
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["enterprise"], CampaignState.Running, null)).Campaign;
        var now = DateTimeOffset.UtcNow;
        var outbox = App.Services.GetRequiredService<IOutbox>();
        var claimed = await outbox.ClaimAsync(campaign.Id, "test", 10, now, now.AddMinutes(5));
        await outbox.RecordAsync([.. claimed.Select(e => e.SubscriberId == failing.Id
            ? new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Failed, 1, "550 5.1.1 <fail> mailbox unavailable", now, null, false)
            : new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Sent, 1, "250 2.0.0 Ok", now, null, false))]);
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        var html = await editor.GetStringAsync($"/Campaigns/Details/{campaign.Id}");

        Assert.Contains(failing.Email, html);
        Assert.Contains("550 5.1.1 &lt;fail&gt; mailbox unavailable", html);
        Assert.Contains("class=\"bar-failed\" data-value=\"1\"", html);
        Assert.Contains("class=\"bar-sent\" data-value=\"1\"", html);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"3\">", html);
    }
}
