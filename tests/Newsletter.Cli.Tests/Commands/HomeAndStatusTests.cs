using System.Text.Json;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 13: the data lives in one home (<c>NEWSLETTER_HOME</c>), whatever folder a command is run from; templates come
/// from the installation; every command on the store names its database; <c>status</c> shows home, database, counts
/// and the last campaign.
/// </summary>
[Slow]
public sealed class HomeAndStatusTests
{
    [Fact]
    public void Commands_run_from_different_folders_share_the_home_its_database_pickup_folder_and_previews()
    {
        using var root = new TempDirectory("newsletter-home");
        var home = Path.Combine(root.Path, "home");
        var first = Directory.CreateDirectory(Path.Combine(root.Path, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(root.Path, "elsewhere", "second")).FullName;
        var environment = new Dictionary<string, string>
        {
            ["NEWSLETTER_HOME"] = home,
            ["NEWSLETTER_Security__TokenSecret"] = CampaignsWorkspace.Secret,
        };

        var add = CliProcess.Run(first, environment, "subscribers", "add", "--email", "wang@xuchang.example.org", "--name", "王建国",
            "--title", "局长", "--segment", "市级领导");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains($"database: SQLite {Path.Combine(home, "newsletter.db")}", add.Stderr, StringComparison.Ordinal);

        var list = CliProcess.Run(second, environment, "subscribers", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("wang@xuchang.example.org", list.Stdout, StringComparison.Ordinal);

        // From a folder with no templates/ and no issue next to it: the layout comes from the installation.
        var issue = Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md");
        var publish = CliProcess.Run(second, environment, "publish", issue, "--segments", "municipal");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Single(Directory.GetFiles(Path.Combine(home, "outbox", "campaign-1"), "*.eml"));
        Assert.True(File.Exists(Path.Combine(home, "preview", "campaign-1", "municipal.html")), publish.ToString());
        Assert.False(Directory.Exists(Path.Combine(second, "data")), "nothing may be created in the current folder");
        Assert.False(Directory.Exists(Path.Combine(second, "outbox")), "nothing may be created in the current folder");

        var status = CliProcess.Run(first, environment, "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.Stdout);
        var rootElement = json.RootElement;
        Assert.Equal(home, rootElement.GetProperty("home").GetString());
        Assert.Equal(Path.Combine(home, "newsletter.db"), rootElement.GetProperty("database").GetProperty("file").GetString());
        var municipal = rootElement.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "municipal");
        Assert.Equal(1, municipal.GetProperty("active").GetInt32());
        Assert.Equal(1, rootElement.GetProperty("lastCampaign").GetProperty("id").GetInt32());
        Assert.Equal("completed", rootElement.GetProperty("lastCampaign").GetProperty("state").GetString());

        var text = CliProcess.Run(second, environment, "status");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"home: {home}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("last campaign: 1", text.Stdout, StringComparison.Ordinal);
    }
}
