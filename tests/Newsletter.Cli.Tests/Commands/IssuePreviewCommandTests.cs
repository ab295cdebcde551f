using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

public sealed class IssuePreviewCommandTests
{
    [Fact]
    public void Writes_each_variant_and_screenshots_at_desktop_and_phone_width()
    {
        using var workspace = CliProcess.NewWorkspace();
        var environment = new Dictionary<string, string> { ["NEWSLETTER_CHROMIUM"] = TestEnvironment.ChromiumPath };
        var result = CliProcess.Run(workspace.Path, environment, "issue", "preview", "seeds/sample-issue.md", "-o", "out", "--segment", "县级领导", "--png");
        Assert.True(result.ExitCode == 0, result.ToString());

        var html = File.ReadAllText(Path.Combine(workspace.Path, "out", "county.html"));
        Assert.Contains("许昌竞争情报快递", html, StringComparison.Ordinal);
        Assert.Contains("尊敬的王局长", html, StringComparison.Ordinal);
        Assert.Contains("●行业动态", File.ReadAllText(Path.Combine(workspace.Path, "out", "county.txt")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace.Path, "out", "municipal.html")), "only the asked segment");
        foreach (var width in new[] { 600, 375 })
        {
            var png = File.ReadAllBytes(Path.Combine(workspace.Path, "out", $"county-{width}.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            // The PNG header's IHDR holds the width, big-endian, at bytes 16..19.
            Assert.Equal(width, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        }
    }

    [Fact]
    public void An_unknown_segment_is_a_clear_error()
    {
        using var workspace = CliProcess.NewWorkspace();
        var result = CliProcess.Run(workspace.Path, null, "issue", "preview", "seeds/sample-issue.md", "--segment", "省级领导");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("省级领导", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
