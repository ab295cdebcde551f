using Microsoft.Data.Sqlite;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// kill -9 in the middle of a real campaign (the CLI as a child process, through Postfix's smtp-sink), several times,
/// then <c>campaigns resume</c>: no message is lost, and duplicates stay within the in-flight bound (connections per kill).
/// </summary>
[Slow]
public sealed class CampaignsCrashTests
{
    private const int Recipients = 3000;
    private const int Connections = 4;
    private const int Kills = 3;

    [Fact]
    [Requires("postfix")]
    public void Killed_senders_lose_nothing_and_resend_at_most_the_messages_in_flight()
    {
        using var sink = new SmtpSink();
        using var workspace = CampaignsWorkspace.Create(new Dictionary<string, int> { ["municipal"] = Recipients });
        var environment = CampaignsWorkspace.Environment([.. CampaignsWorkspace.Smtp(sink, Connections),
            ("NEWSLETTER_Delivery__RetryBaseDelay", "00:00:00.050"), ("NEWSLETTER_Delivery__ForegroundRetryWindow", "00:00:30")]);
        var random = new Random(20261127);
        var kills = 0;

        for (var round = 0; round < Kills; round++)
        {
            var before = sink.Messages().Count;
            using var sender = round == 0
                ? CampaignsWorkspace.Start(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal", .. CampaignsWorkspace.RealSend])
                : CampaignsWorkspace.Start(workspace.Path, environment, "campaigns", "resume", "1");
            // Kill while it sends: after the first new message arrived, at a random moment.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
            while (sink.Messages().Count <= before && !sender.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
            Thread.Sleep(random.Next(0, 400));
            if (sender.HasExited)
            {
                break;   // it finished before we could kill it: nothing left to crash
            }
            sender.Kill();   // SIGKILL: no cleanup, no lease release
            sender.WaitForExit();
            kills++;
        }

        var final = CliProcess.Run(workspace.Path, environment, "campaigns", "resume", "1");
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.True(kills >= 2, $"only {kills} kills landed mid-campaign");

        var outbox = OutboxMessageIds(workspace.Path);
        Assert.Equal(Recipients, outbox.Count);
        var received = CampaignsWorkspace.ReceivedMessageIds(sink);
        var lost = outbox.Where(id => !received.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} messages lost, e.g. {string.Join(", ", lost.Take(3))}");
        Assert.DoesNotContain(received.Keys, id => !outbox.Contains(id));
        var duplicates = received.Values.Sum() - received.Count;
        Assert.True(duplicates <= kills * Connections, $"{duplicates} duplicates after {kills} kills with {Connections} connections");
    }

    private static HashSet<string> OutboxMessageIds(string workspace)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workspace, "data", "newsletter.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, status FROM outbox WHERE campaign_id = 1";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            Assert.Equal("sent", reader.GetString(1));
            ids.Add(reader.GetString(0));
        }
        return ids;
    }
}
