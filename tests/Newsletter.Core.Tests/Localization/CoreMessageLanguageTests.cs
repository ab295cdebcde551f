using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Tests.Localization;

/// <summary>
/// The core's messages (validators, settings, issue files) come from the shared resources in the UI culture of the
/// moment (issue 19): Chinese for the institute, English on request, made when the message is made — so the web's
/// per-request language and the CLI's --lang both apply.
/// </summary>
public sealed partial class CoreMessageLanguageTests
{
    private static T In<T>(string culture, Func<T> make)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return make();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    private static IReadOnlyList<string> Validate(string markdown)
    {
        var parsed = new IssueParser().Parse(markdown, "issue.md");
        return parsed.Issue is null
            ? [.. parsed.Errors.Select(e => e.ToString())]
            : [.. new IssueValidator().Check(parsed.Issue).Select(e => e.ToString())];
    }

    private const string Mistakes = "---\ntitle: 快递\nfoo: bar\naudiences: [municipal, nobody]\n---\n\n## 栏目\n\n### 空文章\n<!-- industries: 新材科 -->\n";

    [Fact]
    public void The_send_policy_speaks_the_runs_language_the_warning_of_a_demo_send_and_the_refusal_of_a_real_one()
    {
        var unfinished = new IssueMetadata("快递", null, null, null, ["municipal"], null, null, IsSample: true);
        var pickup = new SendPolicy(new DeliveryOptions { Transport = TransportKind.Pickup });
        var smtp = new SendPolicy(new DeliveryOptions { Transport = TransportKind.Smtp });

        var zhWarning = Assert.Single(In("zh-CN", () => pickup.Check(unfinished, ["municipal"])));
        var zhRefusal = In("zh-CN", () => Assert.Throws<SampleIssueRefusedException>(() => smtp.Check(unfinished, ["municipal"])));
        var enWarning = Assert.Single(In("en", () => pickup.Check(unfinished, ["municipal"])));

        Assert.Equal("这一期尚未定稿（它被标为样刊（`sample: true`）；它没有期号（`number`）；它没有日期）；因为 Delivery:Transport 是 pickup（预览，不是真实发送）仍然生成了邮件 —— 通过 SMTP 会被拒绝", zhWarning);
        Assert.StartsWith("已拒绝：这一期不能通过 SMTP 发给 municipal，因为它被标为样刊", zhRefusal.Message, StringComparison.Ordinal);
        Assert.StartsWith("请填写期号和日期", zhRefusal.Hint, StringComparison.Ordinal);
        Assert.StartsWith("this issue is not finished (it is marked as a sample (样刊, `sample: true`); it has no 期号 (`number`); it has no date); sent anyway", enWarning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_that_cannot_be_read_is_refused_in_the_runs_language()
    {
        var zh = In("zh-CN", () => Assert.Throws<Newsletter.Core.Scheduling.ScheduleRejectedException>(
            () => Newsletter.Core.Scheduling.CampaignScheduler.Recurrence(new Newsletter.Core.Scheduling.PlanInput(Every: "每周一"))));
        var en = In("en", () => Assert.Throws<Newsletter.Core.Scheduling.ScheduleRejectedException>(
            () => Newsletter.Core.Scheduling.CampaignScheduler.Recurrence(new Newsletter.Core.Scheduling.PlanInput(Every: "每周一"))));

        Assert.Equal("“每周一”没有写时刻 — 请补上，例如“每周一 09:00”。", zh.Message);
        Assert.Equal("'每周一' has no time of day", en.Message);
        Assert.StartsWith("add --at 09:00", en.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_validator_messages_are_Chinese_in_Chinese()
    {
        var errors = In("zh-CN", () => Validate(Mistakes));

        Assert.Equal(
        [
            "issue.md:3: 未知的文件头项“foo” — 可用的项为 title, number, date, publisher, audiences, subject, preheader, sample",
            "issue.md:4: 未知的发送对象“nobody” — 已有分组：municipal, 市级领导, county, 县级领导, enterprise, 重点企业",
            "issue.md:9: 文章“空文章”没有正文段落 — 在标题下写正文，或删去该标题",
            "issue.md:10: 未知的行业“新材科” — 您是不是要写“新材料”？",
        ], errors);
    }

    [Fact]
    public void Issue_validator_messages_are_todays_English_in_English()
    {
        var errors = In("en", () => Validate(Mistakes));

        Assert.Equal(
        [
            "issue.md:3: unknown front-matter key 'foo' — the keys are title, number, date, publisher, audiences, subject, preheader, sample",
            "issue.md:4: unknown audience 'nobody' — the segments are municipal, 市级领导, county, 县级领导, enterprise, 重点企业",
            "issue.md:9: article '空文章' has no paragraphs — write its text under the heading, or remove the heading",
            "issue.md:10: unknown industry '新材科' — did you mean '新材料'?",
        ], errors);
    }

    [Fact]
    public void One_validator_instance_answers_in_the_language_of_each_call()
    {
        // The web builds its validators once and serves requests in either language.
        var parsed = new IssueParser().Parse("---\ntitle: \naudiences: [municipal]\n---\n\n## 栏目\n\n正文。\n", "issue.md").Issue!;
        var validator = new IssueValidator();

        Assert.Equal("标题为空", In("zh-CN", () => Assert.Single(validator.Check(parsed)).Message));
        Assert.Equal("the title is empty", In("en", () => Assert.Single(validator.Check(parsed)).Message));
    }

    [Fact]
    public void Settings_errors_name_the_setting_and_the_rule_in_either_language_one_clause_per_bad_value()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:BatchSize"] = "0",
            ["Delivery:MessagesPerSecond"] = "-1",
        }).Build();

        string Message() => Assert.Throws<SettingsException>(() => SettingsBinder.Load(configuration, "Delivery", new DeliveryOptionsValidator())).Message;

        Assert.Equal("设置 Delivery:MessagesPerSecond =“-1”：须为 0（不限）或正数；设置 Delivery:BatchSize =“0”：须为 1 到 5000 之间的整数",
            In("zh-CN", Message));
        Assert.Equal("setting Delivery:MessagesPerSecond = '-1': must be 0 (no limit) or a positive number; setting Delivery:BatchSize = '0': must be a whole number from 1 to 5000",
            In("en", Message));
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_named_by_kind_never_by_dotnet_type()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Delivery:RetryBaseDelay"] = "soon" }).Build();

        string Message() => Assert.Throws<SettingsException>(() => SettingsBinder.Load(configuration, "Delivery", new DeliveryOptionsValidator())).Message;

        Assert.Equal("设置 Delivery:RetryBaseDelay =“soon”：须为时长，例如 00:05:00（时:分:秒）或 2.00:00:00（天）", In("zh-CN", Message));
        Assert.Equal("setting Delivery:RetryBaseDelay = 'soon': must be a duration such as 00:05:00 (hh:mm:ss) or 2.00:00:00 (days)", In("en", Message));
    }

    [GeneratedRegex(@"\{(\d+)(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void Every_core_text_has_both_languages_and_Chinese_uses_no_argument_English_lacks()
    {
        var chinese = Texts.Keys(Texts.Chinese).Where(k => k.StartsWith("core.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var english = Texts.Keys(Texts.English).Where(k => k.StartsWith("core.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(chinese);
        Assert.Equal(english, chinese);
        foreach (var key in chinese)
        {
            var zh = Placeholder().Matches(Texts.In(CultureInfo.GetCultureInfo("zh-CN"), key)).Select(m => m.Groups[1].Value).ToHashSet();
            var en = Placeholder().Matches(Texts.In(CultureInfo.GetCultureInfo("en"), key)).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.True(zh.IsSubsetOf(en), $"{key}: the Chinese text uses {{{string.Join(",", zh.Except(en))}}}, which the English does not");
        }
    }
}
