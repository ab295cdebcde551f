using System.Text;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The CLI in 简体中文 by default and in English on request (issue 19): help, usage errors without .NET type names,
/// import reasons, table headers, local times with their zone, and tables that fit 80 columns. Run as a user runs it
/// (a child process with redirected output, which Spectre renders at 80 columns).
/// </summary>
[Slow]   // every test starts the real CLI process (issue 16: the fast loop leaves it out)
public sealed class LanguageTests
{
    /// <summary>The output as one line: Spectre wraps long lines at 80 columns, anywhere between words.</summary>
    private static string OneLine(string output) => string.Join(' ', output.Split((char[])[' ', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>No language asked for: the default, whatever this test process uses (see EnglishByDefault).</summary>
    private static readonly Dictionary<string, string> Default = new() { ["NEWSLETTER_LANG"] = "" };

    private static readonly Dictionary<string, string> English = new() { ["NEWSLETTER_LANG"] = "en" };

    [Fact]
    public void Help_is_Chinese_by_default_and_English_with_lang_en_the_variable_or_the_setting()
    {
        using var workspace = CliProcess.NewWorkspace();

        var chinese = CliProcess.Run(workspace.Path, Default, "publish", "--help");
        Assert.Equal(0, chinese.ExitCode);
        Assert.Contains("编排一期期刊", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("用法:", chinese.Stdout, StringComparison.Ordinal);
        Assert.Contains("示例:", chinese.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Compose an issue", chinese.Stdout, StringComparison.Ordinal);

        var option = CliProcess.Run(workspace.Path, Default, "publish", "--help", "--lang", "en");
        Assert.Contains("Compose an issue", option.Stdout, StringComparison.Ordinal);
        Assert.Contains("USAGE:", option.Stdout, StringComparison.Ordinal);

        var variable = CliProcess.Run(workspace.Path, English, "publish", "--help");
        Assert.Contains("Compose an issue", variable.Stdout, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(workspace.Path, "appsettings.json"), """{ "Ui": { "Language": "en" } }""");
        var setting = CliProcess.Run(workspace.Path, Default, "publish", "--help");
        Assert.Contains("Compose an issue", setting.Stdout, StringComparison.Ordinal);

        var unknown = CliProcess.Run(workspace.Path, Default, "status", "--lang", "fr");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("error: 未知的语言“fr”", unknown.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "error: “abc”不是整数", "error: 未知的选项“bogus”")]
    [InlineData("en", "error: 'abc' is not a whole number", "error: unknown option 'bogus'")]
    public void Usage_errors_speak_the_language_and_name_no_dotnet_type(string language, string notANumber, string unknownOption)
    {
        using var workspace = CliProcess.NewWorkspace();
        var environment = new Dictionary<string, string> { ["NEWSLETTER_LANG"] = language };

        var number = CliProcess.Run(workspace.Path, environment, "campaigns", "show", "abc");
        var option = CliProcess.Run(workspace.Path, environment, "status", "--bogus");

        Assert.Equal(2, number.ExitCode);
        Assert.StartsWith(notANumber, number.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Int64", number.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, option.ExitCode);
        Assert.StartsWith(unknownOption, option.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_reasons_and_table_headers_are_Chinese_and_every_table_fits_80_columns()
    {
        using var workspace = CliProcess.NewWorkspace();
        var sheet = Path.Combine(workspace.Path, "名单.csv");
        File.WriteAllText(sheet, "姓名,邮箱,分组,区县\r\n王建国,wang.example.org,市级领导,魏都区\r\n李娜,lina@example.org,市级领导,鄢林县\r\n", new UTF8Encoding(false));

        var import = CliProcess.Run(workspace.Path, Default, "subscribers", "import", sheet);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("新增", import.Stdout, StringComparison.Ordinal);
        var rejects = File.ReadAllText(sheet + ".rejects.csv");
        Assert.Contains("“wang.example.org”不是邮箱地址", rejects, StringComparison.Ordinal);
        Assert.Contains("“鄢林县”不是已知的区县", import.Stdout + import.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, CliProcess.Run(workspace.Path, Default, "subscribers", "load-samples").ExitCode);
        string[][] commands = [["subscribers", "list"], ["segments", "list"], ["status"], ["subscribers", "show", "lina@example.org"]];
        foreach (var command in commands)
        {
            var result = CliProcess.Run(workspace.Path, Default, command);
            Assert.True(result.ExitCode == 0, result.ToString());
            var wide = result.Stdout.Split('\n').Where(l => Newsletter.Cli.Infrastructure.HelpText.Columns(l.TrimEnd('\r')) > 80).ToList();
            Assert.True(wide.Count == 0, $"newsletter {string.Join(' ', command)}: lines wider than 80 columns:\n{string.Join('\n', wide)}");
        }
        var list = CliProcess.Run(workspace.Path, Default, "subscribers", "list");
        Assert.Contains("姓名", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("状态", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("status", list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "定时发送：")]
    [InlineData("en", "scheduled: ")]
    public void Times_are_shown_in_the_scheduling_zone_with_the_zone_named(string language, string scheduled)
    {
        using var workspace = CliProcess.NewWorkspace();
        var environment = new Dictionary<string, string> { ["NEWSLETTER_LANG"] = language };
        var at = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var schedule = CliProcess.Run(workspace.Path, environment, "schedule", "seeds/sample-issue.md", "--at", $"{at} 09:00", "--segments", "municipal");
        Assert.True(schedule.ExitCode == 0, schedule.ToString());
        Assert.Contains($"{at} 09:00 (Asia/Shanghai)", OneLine(schedule.Stdout), StringComparison.Ordinal);

        var status = OneLine(CliProcess.Run(workspace.Path, environment, "status").Stdout);
        Assert.Contains($"{scheduled}", status, StringComparison.Ordinal);
        Assert.Contains($"{at} 09:00 (Asia/Shanghai)", status[status.IndexOf(scheduled, StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", status, StringComparison.Ordinal);

        var tokyo = CliProcess.Run(workspace.Path, new Dictionary<string, string>(environment) { ["NEWSLETTER_Scheduling__TimeZone"] = "Asia/Tokyo" }, "status");
        Assert.Contains($"{at} 10:00 (Asia/Tokyo)", OneLine(tokyo.Stdout), StringComparison.Ordinal);
    }
}
