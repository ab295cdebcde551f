using System.Net;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Pages;

/// <summary>A subscriber whose fields are markup is shown as text everywhere it appears.</summary>
public sealed class EscapingTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string Script = "<script>alert(1)</script>";
    private const string Escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";

    private WebApp App => fixture.App;

    [Fact]
    public async Task Admin_pages_show_the_name_escaped()
    {
        var subscriber = await App.Subscribers.AddAsync(new SubscriberDraft($"xss-{Guid.NewGuid():N}@example.org", Script, Script,
            Script, ["municipal"], Script, []));
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        foreach (var url in new[] { "/Subscribers", "/Subscribers?q=script", $"/Subscribers?after={subscriber.Id - 1}", $"/Subscribers/Edit/{subscriber.Id}" })
        {
            var html = await admin.GetStringAsync(url);
            Assert.Contains(Escaped, html);
            Assert.DoesNotContain(Script, html);
        }
    }

    [Fact]
    public async Task The_web_view_shows_the_personalised_issue_with_the_name_escaped()
    {
        var subscriber = await App.Subscribers.AddAsync(new SubscriberDraft($"xss-view-{Guid.NewGuid():N}@example.org", Script, null,
            null, ["enterprise"], null, [], Salutation: Script));
        var upload = await App.UploadSampleAsync();
        var prepared = await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["enterprise"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(1));
        var token = App.Services.GetRequiredService<SubscriberTokens>().Create(TokenPurpose.View, subscriber.Id, prepared.Campaign.Id);
        using var client = await App.ClientAsync();

        using var response = await client.GetAsync("/v/" + token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(Escaped, html);
        Assert.DoesNotContain(Script, html);
        Assert.Contains(subscriber.Email, html);
        Assert.Contains("/u/", html);
        Assert.DoesNotContain("script-src", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task A_view_token_of_a_subscriber_outside_the_campaign_gets_404()
    {
        var subscriber = await App.AddSubscriberAsync($"outside-{Guid.NewGuid():N}@example.org", "外人", "county");
        var token = App.Services.GetRequiredService<SubscriberTokens>().Create(TokenPurpose.View, subscriber.Id, 999_999);
        using var client = await App.ClientAsync();

        using var response = await client.GetAsync("/v/" + token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
