using System.Text.Json;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary><c>newsletter campaigns …</c> as a child process, against real smtp-sink servers.</summary>
[Slow]
public sealed class CampaignsCommandTests
{
    private static readonly Dictionary<string, int> Lists = new() { ["municipal"] = 6, ["county"] = 4 };

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Fact]
    [Requires("postfix")]
    public void List_and_show_report_state_and_counts_per_segment_as_json_and_tables()
    {
        using var sink = new SmtpSink();
        using var workspace = CampaignsWorkspace.Create(Lists);
        var environment = CampaignsWorkspace.Environment(CampaignsWorkspace.Smtp(sink));
        var publish = CliProcess.Run(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal,county", .. CampaignsWorkspace.RealSend]);
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var list = Json(CliProcess.Run(workspace.Path, environment, "campaigns", "list", "--json"));
        var campaign = Assert.Single(list.EnumerateArray());
        Assert.Equal(1, campaign.GetProperty("id").GetInt64());
        Assert.Equal(CampaignsWorkspace.RealSendIssueKey, campaign.GetProperty("issue").GetString());
        Assert.Equal(["municipal", "county"], campaign.GetProperty("segments").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("completed", campaign.GetProperty("state").GetString());
        Assert.Equal(10, campaign.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(10, campaign.GetProperty("counts").GetProperty("total").GetInt32());
        Assert.Equal(10, sink.WaitForMessages(10, TimeSpan.FromSeconds(10)).Count);

        var show = Json(CliProcess.Run(workspace.Path, environment, "campaigns", "show", "1", "--json"));
        var segments = show.GetProperty("segments").EnumerateArray().ToDictionary(s => s.GetProperty("segment").GetString()!, s => s.GetProperty("sent").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["municipal"] = 6, ["county"] = 4 }, segments);
        Assert.Empty(show.GetProperty("failures").EnumerateArray());

        var table = CliProcess.Run(workspace.Path, environment, "campaigns", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"{CampaignsWorkspace.RealSendIssueKey}  completed  municipal,county  sent 10 of 10", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_recipients_fail_with_their_reply_in_show_and_the_csv_and_retry_failed_skips_the_bounced()
    {
        // Our fault-injecting server refuses every county address with 550 (a hard bounce).
        var refused = Enumerable.Range(0, 4).Select(i => CampaignsWorkspace.Email("county", i)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        await using var server = new FaultySmtpServer(new SmtpFaults { RejectedRecipients = refused }, 1);
        using var workspace = CampaignsWorkspace.Create(Lists);
        var environment = CampaignsWorkspace.Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", server.Host),
            ("NEWSLETTER_Smtp__Port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"));
        var publish = CliProcess.Run(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "county", .. CampaignsWorkspace.RealSend]);
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var csv = Path.Combine(workspace.Path, "reports", "failures.csv");
        var show = Json(CliProcess.Run(workspace.Path, environment, "campaigns", "show", "1", "--json", "--failures-csv", csv));
        Assert.Equal("completed", show.GetProperty("campaign").GetProperty("state").GetString());
        var failures = show.GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => CampaignsWorkspace.Email("county", i)), failures.Select(f => f.GetProperty("email").GetString()));
        Assert.All(failures, f =>
        {
            Assert.Equal("failed", f.GetProperty("status").GetString());
            Assert.StartsWith("550", f.GetProperty("reply").GetString(), StringComparison.Ordinal);
        });
        var lines = File.ReadAllLines(csv);
        Assert.Equal("email,segment,status,attempts,last_reply", lines[0].TrimStart('\uFEFF'));
        Assert.Equal(5, lines.Length);
        Assert.StartsWith(CampaignsWorkspace.Email("county", 0) + ",county,failed,1,550", lines[1], StringComparison.Ordinal);

        // The refusals marked the subscribers bounced: retrying queues them, and each is skipped, not sent.
        var retry = CliProcess.Run(workspace.Path, environment, "campaigns", "retry-failed", "1");
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains("4 failed recipients queued", retry.Stdout, StringComparison.Ordinal);
        var after = Json(CliProcess.Run(workspace.Path, environment, "campaigns", "list", "--json"))[0].GetProperty("counts");
        Assert.Equal(4, after.GetProperty("skipped").GetInt32());
        Assert.Equal(0, after.GetProperty("failed").GetInt32());
    }

    [Fact]
    [Requires("postfix")]
    public void Deferred_messages_wait_for_resume_and_pause_and_cancel_are_refused_when_they_make_no_sense()
    {
        using var workspace = CampaignsWorkspace.Create(Lists);
        // Nothing listens on this port: every connection fails, every message is deferred.
        var closedPort = SmtpSink.FreePort();
        var down = CampaignsWorkspace.Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", "127.0.0.1"),
            ("NEWSLETTER_Smtp__Port", closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"),
            ("NEWSLETTER_Delivery__ForegroundRetryWindow", "00:00:00"), ("NEWSLETTER_Delivery__RetryBaseDelay", "00:00:00.010"));
        var publish = CliProcess.Run(workspace.Path, down, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Contains("6 messages remain deferred", publish.Stdout, StringComparison.Ordinal);
        Assert.Contains("campaigns resume 1", publish.Stdout, StringComparison.Ordinal);

        var pause = CliProcess.Run(workspace.Path, down, "campaigns", "pause", "1");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal("paused", Json(CliProcess.Run(workspace.Path, down, "campaigns", "list", "--json"))[0].GetProperty("state").GetString());

        using var sink = new SmtpSink();
        var up = CampaignsWorkspace.Environment([.. CampaignsWorkspace.Smtp(sink), ("NEWSLETTER_Delivery__RetryBaseDelay", "00:00:00.010")]);
        var resume = CliProcess.Run(workspace.Path, up, "campaigns", "resume", "1");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal(6, sink.WaitForMessages(6, TimeSpan.FromSeconds(10)).Count);
        var state = Json(CliProcess.Run(workspace.Path, up, "campaigns", "list", "--json"))[0];
        Assert.Equal("completed", state.GetProperty("state").GetString());
        Assert.Equal(6, state.GetProperty("counts").GetProperty("sent").GetInt32());

        foreach (var verb in new[] { "pause", "cancel" })
        {
            var refused = CliProcess.Run(workspace.Path, up, "campaigns", verb, "1");
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("completed", refused.Stderr, StringComparison.Ordinal);
        }
        var missing = CliProcess.Run(workspace.Path, up, "campaigns", "show", "99");
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("no campaign 99", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_campaign_sends_nothing_more_and_cannot_be_resumed()
    {
        using var workspace = CampaignsWorkspace.Create(Lists);
        var closedPort = SmtpSink.FreePort();
        var down = CampaignsWorkspace.Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", "127.0.0.1"),
            ("NEWSLETTER_Smtp__Port", closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"),
            ("NEWSLETTER_Delivery__ForegroundRetryWindow", "00:00:00"));
        Assert.Equal(0, CliProcess.Run(workspace.Path, down, ["publish", CampaignsWorkspace.Issue, "--segments", "county", .. CampaignsWorkspace.RealSend]).ExitCode);

        var cancel = CliProcess.Run(workspace.Path, down, "campaigns", "cancel", "1");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains("4 messages will not be sent", cancel.Stdout, StringComparison.Ordinal);
        var resume = CliProcess.Run(workspace.Path, down, "campaigns", "resume", "1");
        Assert.True(resume.ExitCode == 1, resume.ToString());
        Assert.Contains("cancelled", resume.Stderr, StringComparison.Ordinal);
    }
}
