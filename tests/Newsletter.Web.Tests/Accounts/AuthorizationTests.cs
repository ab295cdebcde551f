using System.Net;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Web.Issues;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Accounts;

public sealed class AuthorizationTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public void Only_the_public_routes_allow_anonymous_access()
    {
        var anonymous = Endpoints.All(App).Where(Endpoints.AllowsAnonymous).Select(Endpoints.Route).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(Endpoints.Public.Order(StringComparer.OrdinalIgnoreCase), anonymous.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_admin_route_refuses_anonymous_access()
    {
        var endpoints = Endpoints.All(App).Where(e => !Endpoints.Public.Contains(Endpoints.Route(e))).ToList();
        Assert.True(endpoints.Count >= 10, $"only {endpoints.Count} endpoints found");
        using var client = await App.ClientAsync();

        foreach (var endpoint in endpoints)
        {
            var url = Endpoints.Url(endpoint);
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET {url}: {(int)response.StatusCode}");
            // Relative: the Host header never reaches a Location (HostingHardeningTests).
            Assert.StartsWith("/Account/Login", response.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task Editors_are_refused_the_admin_pages()
    {
        var adminPages = Endpoints.All(App)
            .Where(e => NewsletterWeb.AdminFolders.Any(f => ("/" + Endpoints.Route(e)).StartsWith(f + "/", StringComparison.OrdinalIgnoreCase)
                || "/" + Endpoints.Route(e) == f))
            .ToList();
        Assert.True(adminPages.Count >= 5, $"only {adminPages.Count} admin endpoints found");
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        foreach (var endpoint in adminPages)
        {
            var url = Endpoints.Url(endpoint).Replace("/1", "", StringComparison.Ordinal);
            using var refused = await editor.GetAsync(url);
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect, $"editor GET {url}: {(int)refused.StatusCode}");
            Assert.Contains("/Account/Denied", refused.Headers.Location!.ToString());
            using var allowed = await admin.GetAsync(url);
            Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"admin GET {url}: {(int)allowed.StatusCode}");
        }
    }

    [Fact]
    public async Task Editors_reach_issues_and_campaigns()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        foreach (var url in new[] { "/", "/Issues", "/Campaigns" })
        {
            using var response = await editor.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Editors_cannot_schedule_or_stop_campaigns()
    {
        var upload = await UploadSampleAsync();
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var campaigns = App.Services.GetRequiredService<ICampaignStore>();
        var before = (await campaigns.ListAsync()).Count;

        using var schedule = await WebApp.PostFormAsync(editor, $"/Issues/Details/{upload.Id}",
            new() { ["Targets"] = "municipal", ["mode"] = "now" }, $"/Issues/Details/{upload.Id}?handler=Schedule");

        Assert.Equal(HttpStatusCode.Redirect, schedule.StatusCode);
        Assert.Contains("/Account/Denied", schedule.Headers.Location!.ToString());
        Assert.Equal(before, (await campaigns.ListAsync()).Count);
    }

    [Fact]
    public async Task Editors_cannot_pause_a_campaign()
    {
        var upload = await UploadSampleAsync();
        await App.AddSubscriberAsync($"pause-{Guid.NewGuid():N}@example.org", "李四", "county");
        var publisher = App.Services.GetRequiredService<IssuePublisher>();
        var prepared = await publisher.PrepareAsync(upload.Path, ["county"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(1));
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        // The editor's page shows no pause button; the token comes from a form the editor does see.
        using var response = await WebApp.PostFormAsync(editor, "/Issues", [], $"/Campaigns/Details/{prepared.Campaign.Id}?handler=Pause");

        Assert.Contains("/Account/Denied", response.Headers.Location?.ToString() ?? "");
        var campaign = await App.Services.GetRequiredService<ICampaignStore>().GetAsync(prepared.Campaign.Id);
        Assert.Equal(CampaignState.Scheduled, campaign!.State);
    }

    private async Task<UploadedIssue> UploadSampleAsync()
    {
        return await App.UploadSampleAsync();
    }
}
