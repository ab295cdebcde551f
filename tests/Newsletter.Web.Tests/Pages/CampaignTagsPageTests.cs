using System.Globalization;
using System.Net;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Tests.Pages;

/// <summary>The schedule form's district and industry filters, and the campaign page showing them.</summary>
public sealed class CampaignTagsPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private ICampaignStore Campaigns => App.Services.GetRequiredService<ICampaignStore>();

    private static string Future => DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private Task<Subscriber> AddAsync(string district, params string[] industries) =>
        App.Subscribers.AddAsync(new SubscriberDraft($"t-{Guid.NewGuid():N}@example.org", "孙九", null, null, ["county"], district, industries));

    [Fact]
    public async Task A_campaign_scheduled_with_tags_targets_only_them_and_its_page_shows_them()
    {
        var match = await AddAsync("禹州市", "新材料");
        await AddAsync("禹州市", "发制品");
        await AddAsync("长葛市", "新材料");
        var upload = await App.UploadSampleAsync();
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var page = $"/Issues/Details/{upload.Id}";

        using var response = await WebApp.PostFormAsync(admin, page,
            new() { ["Targets"] = "county", ["At"] = Future, ["mode"] = "schedule", ["Districts"] = "禹州市", ["Industries"] = "新材料" },
            page + "?handler=Schedule");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = long.Parse(response.Headers.Location!.ToString().Split('/')[^1], CultureInfo.InvariantCulture);
        var campaign = (await Campaigns.GetAsync(id))!;
        Assert.Equal(["禹州市"], campaign.Tags.Districts);
        Assert.Equal(["新材料"], campaign.Tags.Industries);
        var claimed = await App.Services.GetRequiredService<IOutbox>().ClaimAsync(id, "test", 10, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(match.Email, Assert.Single(claimed).Email);

        var details = await admin.GetStringAsync($"/Campaigns/Details/{id}");
        Assert.Contains("<dd id=\"campaign-districts\">禹州市</dd>", details);
        Assert.Contains("<dd id=\"campaign-industries\">新材料</dd>", details);
        Assert.Contains("禹州市、新材料", await admin.GetStringAsync("/Campaigns"));
        Assert.Contains("禹州市、新材料", await admin.GetStringAsync("/"));
    }

    [Theory]
    [InlineData("禹州", "", "未知的区县“禹州”")]     // the error also suggests 禹州市
    [InlineData("", "纺织", "未知的行业“纺织”")]
    [InlineData("东城区", "", "选中 0 位收件人")]        // a district of the city where nobody is
    public async Task Unknown_tags_or_tags_selecting_nobody_create_no_campaign(string districts, string industries, string expected)
    {
        await AddAsync("禹州市", "新材料");
        var upload = await App.UploadSampleAsync();
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var page = $"/Issues/Details/{upload.Id}";
        var before = (await Campaigns.ListAsync()).Count;

        using var response = await WebApp.PostFormAsync(admin, page,
            new() { ["Targets"] = "county", ["At"] = Future, ["mode"] = "schedule", ["Districts"] = districts, ["Industries"] = industries },
            page + "?handler=Schedule");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var alert = System.Text.RegularExpressions.Regex.Match(html, "<p class=\"alert error\" role=\"alert\">([^<]*)</p>");
        Assert.True(alert.Success, "the page shows an error");
        Assert.Contains(expected, WebUtility.HtmlDecode(alert.Groups[1].Value), StringComparison.Ordinal);
        Assert.Equal(before, (await Campaigns.ListAsync()).Count);
    }
}
