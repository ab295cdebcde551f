using System.Globalization;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The campaign lifecycle and the issue intake through the CLI: every administrator transition answers as
/// <see cref="CampaignTransitionCases"/> says (the web test drives the same table), a 样刊 campaign is not resumed to
/// real readers over SMTP, and <c>issue validate</c> knows the store's segments as publish does.
/// </summary>
[Slow]
public sealed class CampaignLifecycleCommandTests
{
    [Fact]
    public void Every_transition_answers_as_the_table_says()
    {
        using var workspace = new ScheduleWorkspace(municipal: 2, county: 1, enterprise: 1);
        workspace.ImportSubscribers();
        var scheduled = workspace.Run("schedule", ScheduleWorkspace.Issue, "--at", ScheduleWorkspace.InSeconds(3 * 86400));
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        var id = Convert.ToString(workspace.Scalar("SELECT MAX(id) FROM campaigns"), CultureInfo.InvariantCulture)!;

        var seen = new Dictionary<(string State, string Action), (string Answer, string After)>();
        foreach (var state in CampaignTransitionCases.States)
        {
            foreach (var action in CampaignTransitionCases.Actions)
            {
                workspace.Scalar($"UPDATE campaigns SET state = '{state}', state_reason = NULL WHERE id = {id}");
                var result = workspace.Run("campaigns", action, id);
                Assert.True(result.ExitCode is 0 or 1, $"{state} {action}: {result}");
                Assert.DoesNotContain("unexpected error", result.Stderr, StringComparison.Ordinal);
                var answer = result.ExitCode == 1 ? "refused"
                    : result.Stdout.Contains($"campaign {id} paused;", StringComparison.Ordinal)
                      || result.Stdout.Contains($"campaign {id} cancelled;", StringComparison.Ordinal)
                      || result.Stdout.Contains("delivered through", StringComparison.Ordinal) ? "done"
                    : "unchanged";
                seen[(state, action)] = (answer, Convert.ToString(workspace.Scalar($"SELECT state FROM campaigns WHERE id = {id}"), CultureInfo.InvariantCulture)!);
            }
        }

        Assert.Equal(CampaignTransitionCases.Format(CampaignTransitionCases.Expected), CampaignTransitionCases.Format(seen));
    }

    [Fact]
    public void A_sample_campaign_made_with_the_pickup_folder_is_not_resumed_to_real_readers_over_smtp()
    {
        using var workspace = new ScheduleWorkspace(municipal: 2, county: 1, enterprise: 1);
        workspace.ImportSubscribers();
        // With the pickup folder a 样刊 may be scheduled (a preview): the rule is a warning there.
        var scheduled = workspace.Run("schedule", ScheduleWorkspace.Issue, "--at", ScheduleWorkspace.InSeconds(3 * 86400));
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        var id = Convert.ToString(workspace.Scalar("SELECT MAX(id) FROM campaigns"), CultureInfo.InvariantCulture)!;
        workspace.Scalar($"UPDATE campaigns SET state = 'paused' WHERE id = {id}");
        // Nothing listens there: a refusal must come before any connection.
        var smtp = new Dictionary<string, string>(workspace.Environment)
        {
            ["NEWSLETTER_Delivery__Transport"] = "smtp",
            ["NEWSLETTER_Smtp__Host"] = "127.0.0.1",
            ["NEWSLETTER_Smtp__Port"] = SmtpSink.FreePort().ToString(CultureInfo.InvariantCulture),
            ["NEWSLETTER_Smtp__Security"] = "None",
        };

        var resume = CliProcess.Run(workspace.Path, smtp, TimeSpan.FromSeconds(60), "campaigns", "resume", id);

        Assert.True(resume.ExitCode == 1, resume.ToString());
        var line = Assert.Single(resume.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: refused: this issue cannot go to municipal,county,enterprise over SMTP because it is marked as a sample", line, StringComparison.Ordinal);
        Assert.Contains("--number", line, StringComparison.Ordinal);
        Assert.Equal("paused", workspace.Scalar($"SELECT state FROM campaigns WHERE id = {id}"));
        Assert.Equal(0L, workspace.Count($"SELECT COUNT(*) FROM outbox WHERE campaign_id = {id} AND status <> 'pending'"));
        // The same with retry-failed, which sends too.
        var retry = CliProcess.Run(workspace.Path, smtp, TimeSpan.FromSeconds(60), "campaigns", "retry-failed", id);
        Assert.True(retry.ExitCode == 1, retry.ToString());
        Assert.Contains("error: refused:", retry.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_validate_knows_the_segments_of_the_store_as_publish_does()
    {
        using var workspace = new ScheduleWorkspace(municipal: 1, county: 1, enterprise: 1);
        workspace.ImportSubscribers();
        var issue = Path.Combine(workspace.Path, "board-issue.md");
        File.WriteAllText(issue, File.ReadAllText(Path.Combine(workspace.Path, ScheduleWorkspace.Issue))
            .Replace("audiences: [municipal, county, enterprise]", "audiences: [municipal, board]", StringComparison.Ordinal));

        // Not defined yet: validate and publish refuse it alike, naming it with its line.
        var validate = workspace.Run("issue", "validate", issue);
        var publish = workspace.Run("publish", issue);
        Assert.True(validate.ExitCode == 1, validate.ToString());
        Assert.True(publish.ExitCode == 1, publish.ToString());
        var mistake = validate.Errors.Split('\n').First(l => l.Contains("board", StringComparison.Ordinal));
        Assert.StartsWith(issue + ":", mistake, StringComparison.Ordinal);
        Assert.Contains(mistake, publish.Errors, StringComparison.Ordinal);

        // An administrator defines it: both accept it.
        var added = workspace.Run("segments", "add", "board", "--name-zh", "董事会", "--name-en", "Board");
        Assert.True(added.ExitCode == 0, added.ToString());
        validate = workspace.Run("issue", "validate", issue);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Contains("ok (sample)", validate.Stdout, StringComparison.Ordinal);
        publish = workspace.Run("publish", issue);
        Assert.True(publish.ExitCode == 0, publish.ToString());
    }
}
