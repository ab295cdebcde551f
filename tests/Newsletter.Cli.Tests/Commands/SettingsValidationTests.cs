using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Settings are validated once, at start (issue 16): a bad value is one <c>error:</c> line naming the setting, its
/// value and what is allowed — no stack trace, nothing sent, <c>serve</c> does not start — instead of being clamped.
/// </summary>
[Slow]
public sealed class SettingsValidationTests : IDisposable
{
    private const string Hint = " — fix the setting in appsettings.json, a NEWSLETTER_* variable or the --config file";

    private readonly TempDirectory _workspace = CliProcess.NewWorkspace();

    public void Dispose() => _workspace.Dispose();

    private static void AssertOneErrorLine(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal([expected + Hint], result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_with_a_setting_that_is_not_a_number_prints_one_error_line_and_sends_nothing()
    {
        var result = CliProcess.Run(_workspace.Path, new Dictionary<string, string> { ["NEWSLETTER_Smtp__Connections"] = "abc" },
            "publish", "seeds/sample-issue.md");

        AssertOneErrorLine(result, "error: setting Smtp:Connections = 'abc': must be a whole number");
        Assert.False(Directory.Exists(Path.Combine(_workspace.Path, "data", "outbox")), "nothing may be delivered");
    }

    [Fact]
    public void Publish_with_an_out_of_range_setting_names_the_range_instead_of_clamping()
    {
        var result = CliProcess.Run(_workspace.Path, new Dictionary<string, string> { ["NEWSLETTER_Delivery__BatchSize"] = "0" },
            "publish", "seeds/sample-issue.md");

        AssertOneErrorLine(result, "error: setting Delivery:BatchSize = '0': must be a whole number from 1 to 5000");
    }

    [Fact]
    public void Serve_refuses_to_start_with_a_bad_setting_in_one_error_line()
    {
        var result = CliProcess.Run(_workspace.Path, new Dictionary<string, string> { ["NEWSLETTER_Scheduling__SyncInterval"] = "00:00:00" },
            "serve", "--urls", "http://127.0.0.1:0");

        AssertOneErrorLine(result, "error: setting Scheduling:SyncInterval = '00:00:00': must be a duration from 00:00:01 to 00:05:00");
        Assert.DoesNotContain("serving:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_refuses_a_bad_web_setting_too()
    {
        var result = CliProcess.Run(_workspace.Path, new Dictionary<string, string> { ["NEWSLETTER_Web__LockoutThreshold"] = "0" },
            "serve", "--urls", "http://127.0.0.1:0");

        AssertOneErrorLine(result, "error: setting Web:LockoutThreshold = '0': must be a whole number from 1 to 100");
        Assert.DoesNotContain("serving:", result.Stdout, StringComparison.Ordinal);
    }
}
