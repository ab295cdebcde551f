using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Newsletter.Core.Scheduling;
using Newsletter.Testing;
using static Microsoft.Playwright.Assertions;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// 定时计划 in a real browser: an admin picks "every week" with Monday and Thursday at 09:00, previews the next three
/// firings (local time, zone shown), adds the plan, and finds it listed in words with the same three firings.
/// </summary>
public sealed class PlanPickerBrowserTests
{
    private static readonly PageAssertionsToHaveURLOptions Navigation = new() { Timeout = 30_000 };

    [Fact]
    [Requires("chromium")]
    public async Task A_weekly_plan_is_picked_previewed_and_added()
    {
        await using var app = await WebApp.StartAsync();
        var store = app.Services.GetRequiredService<IScheduleStore>();
        await using var session = await BrowserSession.StartAsync();
        await using var context = await session.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await BrowserSession.SignInAsync(page, app.BaseUrl, WebApp.AdminLogin);

        await page.ClickAsync("header nav a[href='/Plans']");
        await Expect(page.Locator("h1")).ToHaveTextAsync("定时计划");
        await Expect(page.Locator("#plans-none")).ToBeVisibleAsync();

        // A weekday that does not exist in a typed phrase: one clear message in Chinese, nothing added.
        await page.CheckAsync("#kind-cron");
        await page.FillAsync("#plan-cron", "每周八 09:00");
        await page.CheckAsync("#plan-form input[name=Targets][value=municipal]");
        await page.ClickAsync("#plan-add-submit");
        await Expect(page.Locator("p[role=alert]").First).ToContainTextAsync("“八”不是星期几");
        Assert.Empty(await store.ListPlansAsync());

        // Weekly on Monday and Thursday at 09:00, previewed first.
        await page.CheckAsync("#kind-weekly");
        await page.CheckAsync("#weekday-mon");
        await page.CheckAsync("#weekday-thu");
        await page.FillAsync("#plan-time", "09:00");
        await page.CheckAsync("#plan-form input[name=Targets][value=municipal]");
        await page.ClickAsync("#plan-preview-submit");
        await Expect(page.Locator("#plan-preview .plan-words")).ToHaveTextAsync("每周一、四 09:00");
        await Expect(page.Locator("#plan-preview")).ToContainTextAsync("Asia/Shanghai");
        var expected = ExpectedFirings();
        await Expect(page.Locator("#plan-preview .plan-next li")).ToHaveTextAsync(expected);
        Assert.Empty(await store.ListPlansAsync());
        await BrowserSession.ScreenshotAsync(page, "plan-preview");

        // The form kept the picks; add it.
        await Expect(page.Locator("#weekday-thu")).ToBeCheckedAsync();
        await page.ClickAsync("#plan-add-submit");
        await Expect(page).ToHaveURLAsync(app.BaseUrl + "/Plans", Navigation);
        var plan = Assert.Single(await store.ListPlansAsync());
        Assert.Equal("0 0 9 ? * MON,THU", plan.Cron);
        Assert.Equal(["municipal"], plan.Segments);
        Assert.Equal("Asia/Shanghai", plan.TimeZone);
        var row = page.Locator($"#plans tr[data-plan='{plan.Id}']");
        await Expect(row.Locator(".plan-words")).ToHaveTextAsync("每周一、四 09:00");
        await Expect(row.Locator(".plan-next li")).ToHaveTextAsync(expected);
        await Expect(row).ToContainTextAsync("Asia/Shanghai");
        await BrowserSession.ScreenshotAsync(page, "plans");

        // Removed again.
        await page.ClickAsync($"#remove-plan-{plan.Id}");
        await Expect(page.Locator("#plans-none")).ToBeVisibleAsync();
        Assert.Empty(await store.ListPlansAsync());
    }

    /// <summary>The next three Monday/Thursday 09:00 in Shanghai, as the page writes them (computed here, not by the page's code).</summary>
    private static string[] ExpectedFirings()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).DateTime;
        var list = new List<string>();
        for (var day = now.Date; list.Count < 3; day = day.AddDays(1))
        {
            var at = day.AddHours(9);
            if (at > now && day.DayOfWeek is DayOfWeek.Monday or DayOfWeek.Thursday)
            {
                list.Add(at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + (day.DayOfWeek == DayOfWeek.Monday ? " 周一" : " 周四") + " 09:00");
            }
        }
        return [.. list];
    }
}
