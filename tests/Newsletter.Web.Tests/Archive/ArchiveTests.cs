using System.Net;
using Microsoft.Playwright;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Testing;
using Newsletter.Web.Archive;
using Newsletter.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Newsletter.Web.Tests.Archive;

/// <summary>
/// The 往期 archive in Chromium and over HTTP: staff see every sent issue and each segment's variant as stored; the search
/// finds an issue by its article text; anonymous visitors get the sign-in page and nothing of the issues; a reader's
/// token shows only the issues delivered to that reader; tampered tokens are 404; nothing is offered to search engines.
/// </summary>
[Requires("chromium")]   // the fixture drives Chromium for every test (issue 16: not in the fast loop)
public sealed class ArchiveTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    private static readonly PageAssertionsToHaveURLOptions Navigation = new() { Timeout = 30_000 };

    private WebApp App => fixture.App;

    private async Task<IPage> SignedInPageAsync(string login)
    {
        var context = await fixture.Browser.NewContextAsync(App.BaseUrl);
        var page = await context.NewPageAsync();
        await BrowserSession.SignInAsync(page, App.BaseUrl, login);
        return page;
    }

    [Fact]
    public async Task Staff_see_every_sent_issue_newest_first_and_open_a_segments_variant_as_sent()
    {
        var page = await SignedInPageAsync(WebApp.EditorLogin);

        await page.ClickAsync("header nav a[href='/archive']");
        await Expect(page).ToHaveURLAsync(App.BaseUrl + "/archive", Navigation);
        await BrowserSession.ScreenshotAsync(page, "archive");
        Assert.Equal("往期", (await page.TextContentAsync("main h1"))?.Trim());
        var rows = page.Locator("#archive tbody tr");
        Assert.Equal([fixture.Second.Id.ToString(), fixture.First.Id.ToString()], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.campaign)"));
        Assert.Equal([ArchiveFixture.SecondNumber, ArchiveFixture.FirstNumber], (await page.Locator("#archive td.issue-key").AllTextContentsAsync()).Select(t => t.Trim()));
        Assert.DoesNotContain(ArchiveFixture.UnsentNumber, await page.TextContentAsync("main") ?? "");
        // Issue 1 went to 王市长, 张总 and 赵主任 (municipal first: 赵主任 gets that variant), issue 2 to 李县长 and 赵主任.
        var first = page.Locator($"#archive-{fixture.First.Id}");
        Assert.Equal(["3", "3", "0"], [(await first.Locator("td.recipients").TextContentAsync())!.Trim(),
            (await first.Locator("td.delivered").TextContentAsync())!.Trim(), (await first.Locator("td.failed").TextContentAsync())!.Trim()]);
        Assert.Equal(["市级领导", "重点企业"], (await first.Locator("a.variant").AllTextContentsAsync()).Select(t => t.Trim()));
        Assert.Equal("2", (await page.Locator($"#archive-{fixture.Second.Id} td.recipients").TextContentAsync())!.Trim());

        // The enterprise variant has the enterprise section; the municipal one does not; both are the stored HTML.
        var variants = (await App.Services.GetRequiredService<ICampaignStore>().GetVariantsAsync(fixture.First.Id)).ToDictionary(v => v.Key);
        await first.Locator("a.variant[data-variant=enterprise]").ClickAsync();
        await Expect(page).ToHaveURLAsync($"{App.BaseUrl}/archive/{fixture.First.Id}/enterprise", Navigation);
        await BrowserSession.ScreenshotAsync(page, "archive-variant");
        var shown = await page.InnerTextAsync("body");
        Assert.Contains(ArchiveFixture.FirstMarker, shown);
        Assert.Contains(ArchiveFixture.EnterpriseMarker, shown);
        Assert.Contains("〔称呼〕", shown);
        Assert.Contains(ArchiveFixture.EnterpriseMarker, variants["enterprise"].Html);
        await page.GoBackAsync();
        await page.Locator($"#archive-{fixture.First.Id} a.variant[data-variant=municipal]").ClickAsync();
        await Expect(page).ToHaveURLAsync($"{App.BaseUrl}/archive/{fixture.First.Id}/municipal", Navigation);
        shown = await page.InnerTextAsync("body");
        Assert.Contains(ArchiveFixture.FirstMarker, shown);
        Assert.DoesNotContain(ArchiveFixture.EnterpriseMarker, shown);

        // Byte for byte the stored variant (its slots filled with the placeholders), plus the no-index meta.
        using var client = await App.ClientAsync(WebApp.AdminLogin);
        var html = await client.GetStringAsync($"/archive/{fixture.First.Id}/municipal");
        Assert.Equal(ArchiveHtml.WithNoIndexMeta(SlotTemplate.Parse(variants["municipal"].Html).Render(ArchiveHtml.Placeholders, htmlEscape: true)), html);
    }

    [Fact]
    public async Task The_search_finds_an_issue_by_its_article_text()
    {
        var page = await SignedInPageAsync(WebApp.AdminLogin);
        await page.GotoAsync("/archive");

        await page.FillAsync("#archive-search input[name=q]", ArchiveFixture.SecondMarker);
        await page.ClickAsync("#archive-search button[type=submit]");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/archive\?q="), Navigation);
        await BrowserSession.ScreenshotAsync(page, "archive-search");
        Assert.Equal([ArchiveFixture.SecondNumber], (await page.Locator("#archive td.issue-key").AllTextContentsAsync()).Select(t => t.Trim()));

        // Text of the enterprise section only: found in issue 1.
        await page.FillAsync("#archive-search input[name=q]", ArchiveFixture.EnterpriseMarker);
        await page.ClickAsync("#archive-search button[type=submit]");
        await Expect(page.Locator("#archive td.issue-key")).ToHaveTextAsync([ArchiveFixture.FirstNumber]);

        // The unsent issue's text finds nothing: it is not in the archive.
        await page.FillAsync("#archive-search input[name=q]", "尚未发送的一期");
        await page.ClickAsync("#archive-search button[type=submit]");
        await Expect(page.Locator("#archive-empty")).ToContainTextAsync("尚未发送的一期");
        Assert.Equal(0, await page.Locator("#archive").CountAsync());
    }

    [Fact]
    public async Task An_anonymous_visitor_gets_the_sign_in_page_and_nothing_of_the_archive()
    {
        await using var context = await fixture.Browser.NewContextAsync(App.BaseUrl);
        var page = await context.NewPageAsync();

        foreach (var path in new[] { "/archive", $"/archive?q={Uri.EscapeDataString(ArchiveFixture.FirstMarker)}", $"/archive/{fixture.First.Id}/municipal" })
        {
            await page.GotoAsync(path);
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login\\?ReturnUrl="), Navigation);
            var text = await page.ContentAsync();
            foreach (var secret in new[] { ArchiveFixture.FirstNumber, ArchiveFixture.SecondNumber, ArchiveFixture.FirstMarker, ArchiveFixture.SecondMarker })
            {
                Assert.DoesNotContain(secret, text);
            }
        }

        using var client = await App.ClientAsync();
        using var response = await client.GetAsync($"/archive/{fixture.First.Id}/municipal");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(ArchiveFixture.FirstMarker, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_readers_token_offers_only_the_other_issues_delivered_to_that_reader()
    {
        await using var context = await fixture.Browser.NewContextAsync(App.BaseUrl, 375);
        var page = await context.NewPageAsync();

        // 赵主任 received both issues: issue 1's web view offers issue 2, and issue 2's offers issue 1.
        await page.GotoAsync(fixture.ViewLinkOf(fixture.First, fixture.Both));
        await BrowserSession.ScreenshotAsync(page, "archive-reader");
        Assert.Contains(ArchiveFixture.FirstMarker, await page.InnerTextAsync("body"));
        var offered = page.Locator("#nl-archive a");
        await Expect(offered).ToHaveCountAsync(1);
        Assert.Contains(ArchiveFixture.SecondNumber, await offered.TextContentAsync());
        await offered.ClickAsync();
        await Expect(page.Locator("body")).ToContainTextAsync(ArchiveFixture.SecondMarker);
        Assert.StartsWith(App.BaseUrl + "/v/", page.Url);
        await Expect(page.Locator("#nl-archive a")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex(ArchiveFixture.FirstNumber)]);

        // 李县长 received issue 2 only, 王市长 and 张总 issue 1 only: their pages offer nothing, least of all the other issue.
        foreach (var (campaign, reader, other) in new[]
                 {
                     (fixture.Second, fixture.County, ArchiveFixture.FirstNumber),
                     (fixture.First, fixture.Municipal, ArchiveFixture.SecondNumber),
                     (fixture.First, fixture.Enterprise, ArchiveFixture.SecondNumber),
                 })
        {
            await page.GotoAsync(fixture.ViewLinkOf(campaign, reader));
            await Expect(page.Locator("body")).ToContainTextAsync(reader.Email);
            Assert.Equal(0, await page.Locator("#nl-archive").CountAsync());
            Assert.DoesNotContain(other, await page.ContentAsync());
        }
    }

    [Fact]
    public async Task A_tampered_token_is_404_and_archive_pages_and_web_views_are_marked_noindex()
    {
        using var anonymous = await App.ClientAsync();
        var link = new Uri(fixture.ViewLinkOf(fixture.First, fixture.Both)).AbsolutePath;
        var token = link["/v/".Length..];
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        using (var response = await anonymous.GetAsync("/v/" + tampered))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(ArchiveFixture.FirstMarker, await response.Content.ReadAsStringAsync());
        }
        using (var view = await anonymous.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            Assert.Equal("noindex, nofollow", view.Headers.GetValues("X-Robots-Tag").Single());
            Assert.Contains(ArchiveHtml.NoIndexMeta, await view.Content.ReadAsStringAsync());
        }

        using var staff = await App.ClientAsync(WebApp.EditorLogin);
        foreach (var path in new[] { "/archive", $"/archive/{fixture.Second.Id}/county" })
        {
            using var response = await staff.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("noindex, nofollow", response.Headers.GetValues("X-Robots-Tag").Single());
            Assert.Contains(ArchiveHtml.NoIndexMeta, await response.Content.ReadAsStringAsync());
        }
        // A segment the issue did not go to, an unsent campaign: nothing to show.
        foreach (var path in new[] { $"/archive/{fixture.Second.Id}/municipal", $"/archive/{fixture.Unsent.Id}/county" })
        {
            using var response = await staff.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var robots = await anonymous.GetAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, robots.StatusCode);
        Assert.Equal("User-agent: *\nDisallow: /\n", await robots.Content.ReadAsStringAsync());
    }
}
