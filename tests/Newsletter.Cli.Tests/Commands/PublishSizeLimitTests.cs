using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>Composition:MaxHtmlBytes: a variant Gmail would clip is refused before anything is created or sent.</summary>
[Slow]
public sealed class PublishSizeLimitTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["NEWSLETTER_Security__TokenSecret"] = "test-secret-for-unsubscribe-tokens-0123456789",
        ["NEWSLETTER_PublicBaseUrl"] = "https://bulletin.example.org",
    };

    [Fact]
    public void A_variant_above_the_limit_is_refused_with_its_size_and_nothing_is_created_or_sent()
    {
        using var workspace = CliProcess.NewWorkspace();
        var tight = new Dictionary<string, string>(Environment) { ["NEWSLETTER_Composition__MaxHtmlBytes"] = "20000" };
        var result = CliProcess.Run(workspace.Path, tight, "publish", "seeds/sample-issue.md");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"seeds/sample-issue\.md: the municipal variant's HTML is [\d,]+ bytes \(\d+\.\d KB\), above Composition:MaxHtmlBytes = 20,000", result.Stderr);
        Assert.Contains("split the issue", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was sent", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "outbox")) && Directory.EnumerateFileSystemEntries(Path.Combine(workspace.Path, "outbox")).Any());
        var list = CliProcess.Run(workspace.Path, Environment, "campaigns", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("[]", list.Stdout.Trim());

        // With the default limit the same issue goes out, and the preview names each variant's size.
        var preview = CliProcess.Run(workspace.Path, Environment, "issue", "preview", "seeds/sample-issue.md", "-o", "pv");
        Assert.True(preview.ExitCode == 0, preview.ToString());
        // Spectre wraps long lines at the console width: compare without whitespace.
        var shown = System.Text.RegularExpressions.Regex.Replace(preview.Stdout, @"\s", "");
        Assert.Matches(@"municipal:.*municipal\.html\(HTML[\d,]+bytes\(\d+\.\dKB\)\)", shown);
        var published = CliProcess.Run(workspace.Path, Environment, "publish", "seeds/sample-issue.md");
        Assert.True(published.ExitCode == 0, published.ToString());
    }
}
