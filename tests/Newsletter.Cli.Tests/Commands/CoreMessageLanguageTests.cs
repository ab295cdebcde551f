using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The messages the core makes — issue mistakes, settings errors, doctor findings, scheduling and campaign refusals,
/// the import report — speak the run's language like the CLI's own lines (issue 19): 简体中文 by default, English with
/// <c>NEWSLETTER_LANG=en</c>, from the same resources as the web. Run as a user runs them (a child process).
/// </summary>
[Slow]
public sealed partial class CoreMessageLanguageTests : IDisposable
{
    private static readonly Dictionary<string, string> Chinese = new() { ["NEWSLETTER_LANG"] = "" };

    private static readonly Dictionary<string, string> English = new() { ["NEWSLETTER_LANG"] = "en" };

    private readonly TempDirectory _workspace = CliProcess.NewWorkspace();

    public void Dispose() => _workspace.Dispose();

    /// <summary>English sentence words that must not leak into a Chinese message (paths, settings and commands may be ASCII).</summary>
    [GeneratedRegex(@"\b(is not|are not|must|cannot|does not|unknown|not found|nothing was|in the past|there is no)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishSentence();

    private static void AssertNoEnglish(string text)
    {
        var leak = EnglishSentence().Match(text);
        Assert.False(leak.Success, $"English '{leak.Value}' in a Chinese message:\n{text}");
    }

    private string Write(string name, string text)
    {
        File.WriteAllText(Path.Combine(_workspace.Path, name), text, new UTF8Encoding(false));
        return name;
    }

    private CliResult Run(Dictionary<string, string> language, params string[] args) => CliProcess.Run(_workspace.Path, language, args);

    private const string BadSyntax = "---\ntitle: 快递\ndate: notadate\naudiences: [municipal]\n---\n\n# 标题\n\n## 栏目\n\n正文[链接](notaurl)\n";

    private const string BadNames = "---\ntitle: 快递\nfoo: bar\naudiences: [municipal, nobody]\n---\n\n## 栏目\n\n### 空文章\n";

    [Fact]
    public void Issue_mistakes_are_Chinese_by_default()
    {
        var syntax = Run(Chinese, "issue", "validate", Write("syntax.md", BadSyntax));
        var names = Run(Chinese, "issue", "validate", Write("names.md", BadNames));

        Assert.Equal(1, syntax.ExitCode);
        Assert.Contains("syntax.md:3: “notadate”不是日期 — 写成 2024-08-15（或 2024年8月15日）", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("syntax.md:7: “# 标题”是一级标题", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("syntax.md:11: 链接“notaurl”不是完整的 http、https 或 mailto 地址", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("error: syntax.md：不是有效的期刊（3 个错误） — 请改正上面列出的各行", syntax.Errors, StringComparison.Ordinal);
        AssertNoEnglish(syntax.Errors);

        Assert.Equal(1, names.ExitCode);
        Assert.Contains("names.md:3: 未知的文件头项“foo”", names.Errors, StringComparison.Ordinal);
        Assert.Contains("names.md:4: 未知的发送对象“nobody”", names.Errors, StringComparison.Ordinal);
        Assert.Contains("names.md:9: 文章“空文章”没有正文段落", names.Errors, StringComparison.Ordinal);
        AssertNoEnglish(names.Errors);
    }

    [Fact]
    public void Issue_mistakes_are_English_with_lang_en_in_todays_words()
    {
        var syntax = Run(English, "issue", "validate", Write("syntax.md", BadSyntax));
        var names = Run(English, "issue", "validate", Write("names.md", BadNames));

        Assert.Contains("syntax.md:3: 'notadate' is not a date — write it as 2024-08-15", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("syntax.md:11: link 'notaurl' is not an absolute http, https or mailto address", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("error: syntax.md: not a valid issue (3 errors) — fix the lines above", syntax.Errors, StringComparison.Ordinal);
        Assert.Contains("names.md:3: unknown front-matter key 'foo'", names.Errors, StringComparison.Ordinal);
        Assert.Contains("names.md:9: article '空文章' has no paragraphs", names.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "error: 设置 Delivery:BatchSize =“0”：须为 1 到 5000 之间的整数 — 请在 appsettings.json、NEWSLETTER_* 环境变量或 --config 文件中改正该设置")]
    [InlineData("en", "error: setting Delivery:BatchSize = '0': must be a whole number from 1 to 5000 — fix the setting in appsettings.json, a NEWSLETTER_* variable or the --config file")]
    public void A_bad_setting_is_one_line_in_the_language(string language, string expected)
    {
        var result = Run(new() { ["NEWSLETTER_LANG"] = language, ["NEWSLETTER_Delivery__BatchSize"] = "0" }, "publish", "seeds/sample-issue.md");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([expected], result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_setting_of_the_wrong_kind_names_no_dotnet_type()
    {
        var chinese = Run(new() { ["NEWSLETTER_LANG"] = "", ["NEWSLETTER_Smtp__Connections"] = "abc" }, "publish", "seeds/sample-issue.md");

        Assert.StartsWith("error: 设置 Smtp:Connections =“abc”：须为整数 — ", chinese.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", chinese.Errors, StringComparison.Ordinal);
        AssertNoEnglish(chinese.Errors);
    }

    [Fact]
    public void Doctor_findings_and_summary_are_Chinese_by_default_and_English_on_request()
    {
        var chinese = Run(Chinese, "doctor");
        var english = Run(English, "doctor");

        Assert.Equal(1, chinese.ExitCode);
        Assert.Contains("未设置 Sender:ReplyTo：回复将发到发件地址 — 把 Sender:ReplyTo 设为编辑部邮箱", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("是保留的示例域名", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("个错误，", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("真实发送前须改正这些问题，或加 --force", chinese.Stdout, StringComparison.Ordinal);
        AssertNoEnglish(chinese.Stdout);

        Assert.Contains("Sender:ReplyTo is not set: replies go to the From address", english.Stdout, StringComparison.Ordinal);
        Assert.Contains(": a real send needs these fixed, or --force", english.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduling_and_campaign_refusals_speak_the_language()
    {
        string[] past = ["schedule", "seeds/sample-issue.md", "--at", "2020-01-01 09:00", "--segments", "municipal"];
        string[] notATime = ["schedule", "seeds/sample-issue.md", "--at", "bogus", "--segments", "municipal"];

        var chinese = new[] { Run(Chinese, past), Run(Chinese, notATime), Run(Chinese, "campaigns", "pause", "99") };
        Assert.All(chinese, r => Assert.Equal(1, r.ExitCode));
        Assert.Contains("已经过去", chinese[0].Errors, StringComparison.Ordinal);
        Assert.Contains("“bogus”不是时间", chinese[1].Errors, StringComparison.Ordinal);
        Assert.Contains("error: 没有发送任务 99 — 发送任务见 `newsletter campaigns list`", chinese[2].Errors, StringComparison.Ordinal);
        Assert.All(chinese, r => AssertNoEnglish(r.Errors));

        Assert.Contains("is in the past", Run(English, past).Errors, StringComparison.Ordinal);
        Assert.Contains("error: there is no campaign 99 — see `newsletter campaigns list`", Run(English, "campaigns", "pause", "99").Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_import_report_is_Chinese_by_default()
    {
        File.Copy(Path.Combine(_workspace.Path, "seeds", "000_d7cfb1a0bdf40954.txt"), Path.Combine(_workspace.Path, "快递.txt"));

        var chinese = Run(Chinese, "issue", "import", "快递.txt");
        var english = Run(English, "issue", "import", "快递.txt", "-o", "english.md");

        Assert.True(chinese.ExitCode == 0, chinese.ToString());
        Assert.Contains("栏目        编者的话", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 个栏目，3 篇文章，6 个小标题", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("期号：在第一个 ● 之前的各行中未找到", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("已写入 快递.md", chinese.Stdout, StringComparison.Ordinal);
        AssertNoEnglish(chinese.Stdout);
        Assert.Contains("由 `newsletter issue import` 从 快递.txt 导入", File.ReadAllText(Path.Combine(_workspace.Path, "快递.md")), StringComparison.Ordinal);

        Assert.True(english.ExitCode == 0, english.ToString());
        Assert.Contains("section     编者的话", english.Stdout, StringComparison.Ordinal);
        Assert.Contains("期号: not found in the lines above the first ●", english.Stdout, StringComparison.Ordinal);
        Assert.Contains("wrote english.md", english.Stdout, StringComparison.Ordinal);
    }
}
