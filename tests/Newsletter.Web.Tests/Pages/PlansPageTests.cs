using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Scheduling;

namespace Newsletter.Web.Tests.Pages;

/// <summary>The plans page over HTTP: editors read the plans in words; only admins add or remove; mistakes come back in Chinese.</summary>
public sealed class PlansPageTests
{
    [Fact]
    public async Task Editors_see_plans_in_words_but_only_admins_add_them()
    {
        await using var app = await WebApp.StartAsync();
        var scheduler = app.Services.GetRequiredService<CampaignScheduler>();
        await scheduler.AddPlanAsync(new PlanInput("每月15日 08:30"), ["county"], Core.Audience.AudienceTags.None, scheduler.Zone, default);

        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        var html = await editor.GetStringAsync("/Plans");
        Assert.Contains("每月15日 08:30", html, StringComparison.Ordinal);
        Assert.Contains("Asia/Shanghai", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"plan-form\"", html, StringComparison.Ordinal);
        // The editor's page has no form; the session's token comes from one that has.
        using var refused = await WebApp.PostFormAsync(editor, "/Issues", new() { ["Kind"] = "daily", ["Time"] = "09:00", ["Targets"] = "county" }, "/Plans?handler=Add");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/Account/Denied", refused.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Single(await app.Services.GetRequiredService<IScheduleStore>().ListPlansAsync());

        using var admin = await app.ClientAsync(WebApp.AdminLogin);
        using var bad = await WebApp.PostFormAsync(admin, "/Plans", new() { ["Kind"] = "cron", ["Cron"] = "0 9 15 * 1", ["Targets"] = "county" }, "/Plans?handler=Add");
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("同时指定了日期和星期", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        using var unix = await WebApp.PostFormAsync(admin, "/Plans", new() { ["Kind"] = "cron", ["Cron"] = "0 9 * * 1-5", ["Targets"] = "county" }, "/Plans?handler=Add");
        Assert.Equal(HttpStatusCode.Redirect, unix.StatusCode);
        Assert.Contains(await app.Services.GetRequiredService<IScheduleStore>().ListPlansAsync(), p => p.Cron == "0 0 9 ? * MON,TUE,WED,THU,FRI");
        Assert.Contains("每个工作日 09:00", await admin.GetStringAsync("/Plans"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plans_are_described_in_the_readers_language_Chinese_by_default()
    {
        await using var app = await WebApp.StartAsync();
        var scheduler = app.Services.GetRequiredService<CampaignScheduler>();
        await scheduler.AddPlanAsync(new PlanInput("mon,thu", "09:00"), ["county"], Core.Audience.AudienceTags.None, scheduler.Zone, default);
        await scheduler.AddPlanAsync(new PlanInput("month", "08:30", "last"), ["municipal"], Core.Audience.AudienceTags.None, scheduler.Zone, default);

        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        var chinese = WebUtility.HtmlDecode(await editor.GetStringAsync("/Plans"));
        Assert.Equal(["每周一、四 09:00", "每月最后一天 08:30"], Cells(chinese, "plan-words"));
        Assert.Matches(@"<li>\d{4}-\d{2}-\d{2} 周[一四] 09:00</li>", chinese);

        var english = WebUtility.HtmlDecode(await editor.GetStringAsync("/Plans?culture=en"));
        Assert.Equal(["every Monday and Thursday at 09:00", "monthly on the last day at 08:30"], Cells(english, "plan-words"));
        Assert.Matches(@"<li>\d{4}-\d{2}-\d{2} (Mon|Thu) 09:00</li>", english);
        Assert.DoesNotMatch(@"<li>[^<]*周", english);
    }

    private static List<string> Cells(string html, string cssClass) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, $"<td class=\"{cssClass}\">([^<]*)</td>").Select(m => m.Groups[1].Value)];
}
