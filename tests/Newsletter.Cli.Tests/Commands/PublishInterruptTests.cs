using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 13: Ctrl-C (SIGINT) or SIGTERM during <c>publish</c> lets the SMTP transactions in flight finish, pauses the
/// campaign with the reason, prints the summary so far and the command to resume; <c>campaigns resume</c> then
/// delivers every recipient exactly once. The CLI runs as a real child process against a slow SMTP server of ours.
/// </summary>
[Slow]
public sealed class PublishInterruptTests
{
    private const int Recipients = 40;

    [Theory]
    [InlineData("INT", 130, "Ctrl-C (SIGINT)")]
    [InlineData("TERM", 143, "SIGTERM")]
    public async Task A_signal_during_publish_pauses_the_campaign_says_so_and_resume_delivers_everyone_once(string signal, int exitCode, string said)
    {
        // Each message waits 150 ms for its 250: the send takes seconds, so the signal lands mid-campaign.
        await using var server = new FaultySmtpServer(new SmtpFaults { AcceptDelay = TimeSpan.FromMilliseconds(150) }, 13);
        using var workspace = CampaignsWorkspace.Create(new Dictionary<string, int> { ["municipal"] = Recipients });
        var environment = CampaignsWorkspace.Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", server.Host),
            ("NEWSLETTER_Smtp__Port", server.Port.ToString(CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"),
            ("NEWSLETTER_Smtp__Connections", "2"), ("NEWSLETTER_HOME", Path.Combine(workspace.Path, "data")));

        using var publish = Start(workspace.Path, environment, out var stdout, out var stderr,
            ["publish", CampaignsWorkspace.Issue, "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (server.Accepted.Count < 3 && !publish.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.True(server.Accepted.Count >= 3 && !publish.HasExited,
            $"publish did not reach the middle of the campaign: {server.Accepted.Count} accepted, exited: {publish.HasExited}\n{stdout}\n{stderr}");
        using (var kill = Process.Start("kill", ["-s", signal, publish.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        Assert.True(publish.WaitForExit(TimeSpan.FromMinutes(2)), "publish did not stop after the signal");
        publish.WaitForExit();
        var output = $"exit {publish.ExitCode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}";

        Assert.True(publish.ExitCode == exitCode, output);
        Assert.True(stdout.ToString().Contains($"interrupted by {said}: the campaign is paused", StringComparison.Ordinal), output);
        Assert.Contains("resume with: newsletter campaigns resume 1", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("campaign 1: paused", stdout.ToString(), StringComparison.Ordinal);
        var (state, reason, sent) = Campaign(workspace.Path);
        Assert.Equal("paused", state);
        Assert.Contains(said, reason, StringComparison.Ordinal);
        Assert.True(sent < Recipients, $"all {sent} were sent before the signal landed\n{output}");
        // Every message the server accepted was recorded as sent: the transactions in flight finished and were kept.
        Assert.Equal(server.Accepted.Count, sent);
        Assert.Contains($"{sent} delivered so far, {Recipients - sent} not yet sent", stdout.ToString(), StringComparison.Ordinal);

        var resume = CliProcess.Run(workspace.Path, environment, "campaigns", "resume", "1");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal(("completed", Recipients), (Campaign(workspace.Path).State, Campaign(workspace.Path).Sent));
        Assert.Equal(Recipients, server.Accepted.Count);
        Assert.All(server.Accepted, a => Assert.True(a.Value == 1, $"{a.Key} was delivered {a.Value} times"));
    }

    private static (string State, string Reason, int Sent) Campaign(string workspace)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workspace, "data", "newsletter.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COALESCE(state_reason, ''), (SELECT COUNT(*) FROM outbox WHERE campaign_id = 1 AND status = 'sent') FROM campaigns WHERE id = 1";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "no campaign 1");
        return (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
    }

    private static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment,
        out StringBuilder stdout, out StringBuilder stderr, params string[] args)
    {
        var start = CliProcess.StartInfo(workingDirectory, environment, args);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var (output, errors) = (new StringBuilder(), new StringBuilder());
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        (stdout, stderr) = (output, errors);
        return process;
    }
}
