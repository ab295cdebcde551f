using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Testing;
using static Microsoft.Playwright.Assertions;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// 立即发送 in a real browser with SMTP (Postfix's smtp-sink): a 样刊 is refused; once it has its 期号 and date, the first
/// click shows the issue, the counts per segment, the test status and the configuration check and sends nothing; the
/// configuration errors need the force box; only the second click sends, and it is recorded.
/// </summary>
public sealed class SendConfirmationBrowserTests
{
    private static readonly PageAssertionsToHaveURLOptions Navigation = new() { Timeout = 30_000 };

    [Fact]
    [Requires("chromium")]
    [Requires("postfix")]
    public async Task Send_now_shows_the_counts_first_and_sends_only_on_the_second_click()
    {
        using var sink = new SmtpSink();
        await using var app = await WebApp.StartAsync(sink);
        await app.AddSubscriberAsync("tester@example.org", "测试员", Segments.TestRecipients);
        await app.AddSubscriberAsync("leader1@example.org", "王建国", Segments.Municipal);
        await app.AddSubscriberAsync("leader2@example.org", "李明", Segments.Municipal);
        await app.AddSubscriberAsync("county@example.org", "赵县长", Segments.County);
        var upload = await app.UploadSampleAsync();
        var campaigns = app.Services.GetRequiredService<ICampaignStore>();
        await using var session = await BrowserSession.StartAsync();
        await using var context = await session.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await BrowserSession.SignInAsync(page, app.BaseUrl, WebApp.AdminLogin);
        // The admin's dashboard shows the configuration check.
        await Expect(page.Locator("#doctor tr[data-check=public-url]")).ToHaveAttributeAsync("data-level", "error");

        // The sample issue (样刊) is refused to the municipal leaders over SMTP, with the reason.
        await page.GotoAsync($"/Issues/Details/{upload.Id}");
        await OnlyAsync(page, Segments.Municipal);
        await page.ClickAsync("#schedule button[value=now]");
        await Expect(page.Locator("p[role=alert]").First).ToContainTextAsync("样刊");
        Assert.Equal(0, await page.Locator("#confirm-send").CountAsync());
        Assert.Empty(await campaigns.ListAsync());

        // Give it its 期号 and date on the page.
        await page.FillAsync("#issue-meta-form input[name=Number]", "２０２４年第９期（总第120期）");
        await page.FillAsync("#issue-meta-form input[name=Date]", "2024年9月15日");
        await page.ClickAsync("#issue-meta-form button[type=submit]");
        await Expect(page.Locator("#issue-meta-current")).ToContainTextAsync("2024年第9期（总第120期）");
        await Expect(page.Locator("#issue-meta-current")).ToContainTextAsync("2024-09-15");

        // First click: the confirm page with what goes out and to how many; nothing is created or sent.
        await OnlyAsync(page, Segments.Municipal);
        await page.ClickAsync("#schedule button[value=now]");
        await Expect(page.Locator("#confirm-send")).ToBeVisibleAsync();
        Assert.Equal("2", (await page.TextContentAsync("#confirm-total"))?.Trim());
        Assert.Contains("2024年第9期（总第120期）", await page.TextContentAsync("#confirm-subject") ?? "");
        Assert.Equal(1, await page.Locator("#confirm-untested").CountAsync());
        Assert.Equal("error", await page.GetAttributeAsync("#confirm-send tr[data-check=from-domain]", "data-level"));
        await BrowserSession.ScreenshotAsync(page, "confirm-send");
        Assert.Empty(await campaigns.ListAsync());
        Assert.Empty(sink.Messages());

        // Second click without the force box: refused because of the configuration errors; still nothing.
        await page.ClickAsync("#confirm-submit");
        await Expect(page.Locator("#confirm-send")).ToBeVisibleAsync();
        await Expect(page.Locator("p[role=alert]").First).ToContainTextAsync("仍然发送");
        Assert.Empty(await campaigns.ListAsync());
        Assert.Empty(sink.Messages());

        // Second click with the force box: sent to the two leaders, and the confirmation is recorded as forced.
        await page.CheckAsync("#confirm-force");
        await page.ClickAsync("#confirm-submit");
        await Expect(page).ToHaveURLAsync(new Regex(@"/Campaigns/Details/\d+$"), Navigation);
        var received = sink.WaitForMessages(2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, received.Count);
        var campaign = Assert.Single(await campaigns.ListAsync());
        var confirmation = Assert.Single(await app.Services.GetRequiredService<ISendConfirmationLog>().ListAsync(campaign.Id));
        Assert.Equal((WebApp.AdminLogin, 2, true), (confirmation.ConfirmedBy, confirmation.Recipients, confirmation.Forced));
        Assert.Contains("public-url", confirmation.DoctorErrors, StringComparison.Ordinal);
        // The campaign page says who confirmed and that errors were overridden.
        await Expect(page.Locator("dd.confirmation")).ToContainTextAsync(WebApp.AdminLogin);
        await Expect(page.Locator("dd.confirmation")).ToContainTextAsync("public-url");
    }

    private static async Task OnlyAsync(IPage page, string segment)
    {
        foreach (var key in new[] { Segments.Municipal, Segments.County, Segments.Enterprise })
        {
            if (key == segment)
            {
                await page.CheckAsync($"#schedule input[name=Targets][value={key}]");
            }
            else
            {
                await page.UncheckAsync($"#schedule input[name=Targets][value={key}]");
            }
        }
    }
}
