using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Testing;
using static Microsoft.Playwright.Assertions;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// The admin's day in a real browser against the real app, a real SQLite file and Postfix's smtp-sink: sign in,
/// import a list with bad rows, upload the sample bulletin, check the phone preview, send a test, schedule, send,
/// and a reader unsubscribes through the link in the message they received.
/// </summary>
/// <remarks>
/// After a click, the test polls the address (<c>Expect(page).ToHaveURLAsync</c>) and waits for elements, never for a
/// load state on the client side: <c>WaitForURLAsync</c> checks the frame's load states and then subscribes to their
/// events, and once in CI it waited 30 s for a "load" event while the signed-in dashboard sat idle.
/// </remarks>
public sealed partial class AdminJourneyTests
{
    private static readonly PageAssertionsToHaveURLOptions Navigation = new() { Timeout = 30_000 };

    [Fact]
    [Requires("chromium")]
    [Requires("postfix")]
    public async Task From_sign_in_to_a_reader_unsubscribing_through_a_delivered_message()
    {
        using var sink = new SmtpSink();
        await using var app = await WebApp.StartAsync(sink);
        await app.AddSubscriberAsync("tester@example.org", "测试员", Segments.TestRecipients);
        var reader = await app.AddSubscriberAsync("reader@example.org", "王建国", Segments.Municipal);
        await using var session = await BrowserSession.StartAsync();
        await using var context = await session.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();

        // Sign in.
        await page.GotoAsync("/Account/Login");
        await BrowserSession.ScreenshotAsync(page, "login");
        await page.FillAsync("input[name=UserName]", WebApp.AdminLogin);
        await page.FillAsync("input[name=Password]", WebApp.Password);
        await page.ClickAsync("main button[type=submit]");
        await Expect(page).ToHaveURLAsync(app.BaseUrl + "/", Navigation);
        Assert.Equal("概览", (await page.TextContentAsync("main h1"))?.Trim());
        await BrowserSession.ScreenshotAsync(page, "dashboard");

        // Import a list whose lines 3 and 4 are bad. The file goes to the browser as bytes with its Chinese name: a path
        // would reach Chromium through the locale, and without LANG (as in CI) it cannot open a non-ASCII path — the
        // input stays empty and the form is never sent.
        var csv = Encoding.UTF8.GetBytes(string.Join("\n",
            "email,name,organisation,title,segments",
            "liu@example.org,刘洋,许昌市发改委,主任,municipal",
            "not-an-email,坏地址,某单位,科员,county",
            "chen@example.org,陈晨,某企业,经理,no-such-segment",
            "zhou@example.org,周舟,许昌市工信局,局长,county") + "\n");
        await page.GotoAsync("/Subscribers/Import");
        await page.SetInputFilesAsync("input[name=upload]", new FilePayload { Name = "名单.csv", MimeType = "text/csv", Buffer = csv });
        await page.ClickAsync("main button[type=submit]");
        await ShownAsync(page, "#import-summary");
        Assert.Equal("2", (await page.TextContentAsync("#imported"))?.Trim());
        Assert.Equal("2", (await page.TextContentAsync("#rejected"))?.Trim());
        var rejectedLines = await page.Locator("#rejects tbody tr td:first-child").AllTextContentsAsync();
        Assert.Equal(["3", "4"], rejectedLines.Select(l => l.Trim()));
        await BrowserSession.ScreenshotAsync(page, "import");
        await page.GotoAsync("/Subscribers");
        Assert.Contains("liu@example.org", await page.TextContentAsync("#subscribers") ?? "");
        await BrowserSession.ScreenshotAsync(page, "subscribers");

        // Upload the sample bulletin as received (plain text): it imports cleanly and shows every segment's variant.
        await page.GotoAsync("/Issues");
        await page.SetInputFilesAsync("input[name=upload]", Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "000_d7cfb1a0bdf40954.txt"));
        await page.ClickAsync("main button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex(@"/Issues/Details/\d+$"), Navigation);
        await ShownAsync(page, "#issue-valid");
        var phones = page.Locator("iframe.phone");
        Assert.Equal(3, await phones.CountAsync());
        for (var i = 0; i < 3; i++)
        {
            var frame = await (await phones.Nth(i).ElementHandleAsync()).ContentFrameAsync();
            Assert.NotNull(frame);
            await frame.WaitForFunctionAsync("() => document.readyState === 'complete'");
            var widths = await frame.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, document.body.innerText.length]");
            Assert.True(widths[1] is > 300 and <= 375, $"phone preview {i} is {widths[1]} px wide");
            Assert.True(widths[0] <= widths[1], $"phone preview {i} scrolls sideways: {widths[0]} > {widths[1]}");
            Assert.True(widths[2] > 500, $"phone preview {i} shows only {widths[2]} characters");
        }
        await BrowserSession.ScreenshotAsync(page, "issue");

        // Test send to the editors' list (prefilled), found in the SMTP server's mailbox.
        Assert.Contains("tester@example.org", await page.InputValueAsync("#test-send textarea"));
        await page.ClickAsync("#test-send button[type=submit]");
        await ShownAsync(page, "#test-result");
        Assert.Contains("已发送", await page.TextContentAsync("#test-result") ?? "");
        var test = Assert.Single(Received(sink, 1));
        Assert.StartsWith("[测试]", test.Subject);
        Assert.Equal("tester@example.org", test.To.Mailboxes.Single().Address);
        await BrowserSession.ScreenshotAsync(page, "test-send");

        // The bulletin as received names no 期号: give it one and a date (a 样刊 goes over SMTP only to the test list).
        await ShownAsync(page, "#issue-sample");
        await page.FillAsync("#issue-meta-form input[name=Number]", "2024年第9期");
        await page.FillAsync("#issue-meta-form input[name=Date]", "2024-09-15");
        await page.ClickAsync("#issue-meta-form button[type=submit]");
        await Expect(page.Locator("#issue-meta-current")).ToContainTextAsync("2024年第9期");
        Assert.Equal(0, await page.Locator("#issue-sample").CountAsync());

        // Schedule it for the municipal leaders only, confirm on the second click, then send it now from the campaign page.
        foreach (var other in new[] { Segments.County, Segments.Enterprise })
        {
            await page.UncheckAsync($"#schedule input[name=Targets][value={other}]");
        }
        await page.CheckAsync($"#schedule input[name=Targets][value={Segments.Municipal}]");
        await page.ClickAsync("#schedule button[value=schedule]");
        await ShownAsync(page, "#confirm-send");
        // The test app's PublicBaseUrl is loopback and its From on example.org: the check's errors need the force box.
        await page.CheckAsync("#confirm-force");
        await page.ClickAsync("#confirm-submit");
        await Expect(page).ToHaveURLAsync(new Regex(@"/Campaigns/Details/\d+$"), Navigation);
        Assert.Equal("scheduled", await page.GetAttributeAsync("#campaign-state", "data-state"));
        await BrowserSession.ScreenshotAsync(page, "campaign-scheduled");
        await page.GotoAsync("/");
        Assert.Contains("许昌竞争情报快递", await page.TextContentAsync("main section") ?? "");
        await page.GoBackAsync();

        await page.ClickAsync("form[action*='handler=Resume'] button");
        var state = "";
        for (var attempt = 0; attempt < 120 && state != "completed"; attempt++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
            state = await page.GetAttributeAsync("#campaign-state", "data-state") ?? "";
        }
        Assert.Equal("completed", state);
        Assert.Contains("2 / 2", await page.TextContentAsync("#progress-text") ?? "");
        await BrowserSession.ScreenshotAsync(page, "campaign-report");

        // The reader opens the unsubscribe link of the message they received and confirms.
        var delivered = Received(sink, 3).Single(m => m.To.Mailboxes.Any(a => a.Address == reader.Email));
        var link = UnsubscribeLink().Match(delivered.HtmlBody ?? "").Value;
        Assert.StartsWith(app.BaseUrl + "/u/", link);
        Assert.Contains(link, delivered.Headers["List-Unsubscribe"]);
        var readerPage = await (await session.NewContextAsync(app.BaseUrl, 375)).NewPageAsync();
        await readerPage.GotoAsync(link);
        Assert.Contains(reader.Email, await readerPage.TextContentAsync("main") ?? "");
        await BrowserSession.ScreenshotAsync(readerPage, "unsubscribe-confirm");
        await readerPage.ClickAsync("#confirm-unsubscribe");
        await ShownAsync(readerPage, "#unsubscribed");
        await BrowserSession.ScreenshotAsync(readerPage, "unsubscribe-done");
        Assert.Equal(SubscriberStatus.Unsubscribed, (await app.Subscribers.FindByIdAsync(reader.Id))!.Status);
    }

    /// <summary>
    /// Waits for <paramref name="selector"/>; when it does not appear, the failure says where the page is and what it
    /// shows (and leaves a screenshot), since an element that never came says nothing about why.
    /// </summary>
    private static async Task ShownAsync(IPage page, string selector)
    {
        try
        {
            await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { Timeout = 30_000 });
        }
        catch (TimeoutException e)
        {
            var name = "failed-" + selector.TrimStart('#');
            await BrowserSession.ScreenshotAsync(page, name);
            var text = await page.InnerTextAsync("body");
            throw new TimeoutException(
                $"{selector} did not appear within 30 s at {page.Url} (screenshot {name}.png); the page shows: {text[..Math.Min(text.Length, 1500)]}", e);
        }
    }

    private static List<MimeMessage> Received(SmtpSink sink, int count)
    {
        var files = sink.WaitForMessages(count, TimeSpan.FromSeconds(30));
        Assert.True(files.Count >= count, $"{files.Count} messages arrived, expected {count}");
        return [.. files.Select(f => MimeMessage.Load(f))];
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/u/[A-Za-z0-9_-]+")]
    private static partial Regex UnsubscribeLink();
}
