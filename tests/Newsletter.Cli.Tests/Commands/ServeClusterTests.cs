using System.Globalization;
using MimeKit;
using Newsletter.Testing;
using Npgsql;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Two or three <c>newsletter serve</c> processes on one PostgreSQL database (Quartz clustered) delivering to Postfix's
/// smtp-sink: a scheduled campaign fires once and reaches every recipient once; when the node running it is killed
/// (SIGKILL) or frozen (SIGSTOP), another takes its rows over once its heartbeat is silent and finishes it, with
/// duplicates bounded by the dead node's in-flight messages (one per connection).
/// </summary>
[Requires("postgres")]
[Slow]
public sealed class ServeClusterTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>How far ahead the failover tests schedule (see the kill test); the firing is awaited this plus <see cref="Bound"/>.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(75);

    /// <summary>Deadline for a taken-over campaign to complete: a third of the 5 min lease, so it was not the lease.</summary>
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(90);
    private readonly string _server = TestEnvironment.PostgresConnectionString;
    private readonly string _name = "newsletter_cluster_" + Guid.NewGuid().ToString("N")[..16];

    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    private void CreateDatabase()
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {_name} ENCODING 'UTF8'", connection);
        create.ExecuteNonQuery();
    }

    private string Database => new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ToString();

    /// <param name="productionDefaults">
    /// Keep the lease, batch, heartbeat and delivery-interval defaults (5 min lease, 30 s rounds): failover must not
    /// depend on short leases or frequent rounds.
    /// </param>
    private ScheduleWorkspace Workspace(SmtpSink sink, int recipients, int connections, double messagesPerSecond,
        bool productionDefaults = false)
    {
        CreateDatabase();
        var ws = new ScheduleWorkspace(municipal: recipients, county: 1, enterprise: 1, postgres: Database);
        ws.ImportSubscribers();
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["NEWSLETTER_Delivery__Transport"] = "smtp",
                     ["NEWSLETTER_Smtp__Host"] = sink.Host,
                     ["NEWSLETTER_Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
                     ["NEWSLETTER_Smtp__Security"] = "None",
                     ["NEWSLETTER_Smtp__Connections"] = connections.ToString(CultureInfo.InvariantCulture),
                     ["NEWSLETTER_Delivery__MessagesPerSecond"] = messagesPerSecond.ToString(CultureInfo.InvariantCulture),
                     // Without production defaults: small batches and a 5 s lease (renewed every third of it while the
                     // rows wait in the sender's queue), 1 s delivery rounds, so both nodes claim batch by batch.
                     ["NEWSLETTER_Delivery__BatchSize"] = "10",
                     ["NEWSLETTER_Delivery__LeaseDuration"] = "00:00:05",
                     ["NEWSLETTER_Scheduling__ClusterCheckinInterval"] = "00:00:01",
                     ["NEWSLETTER_Scheduling__ClusterFailoverGrace"] = "00:00:02",
                     ["NEWSLETTER_Scheduling__DeliveryInterval"] = "00:00:01",
                 })
        {
            if (!productionDefaults || !key.Contains("Delivery__", StringComparison.Ordinal) && !key.Contains("Scheduling__", StringComparison.Ordinal)
                || key.Contains("Delivery__Transport", StringComparison.Ordinal) || key.Contains("Delivery__MessagesPerSecond", StringComparison.Ordinal))
            {
                ws.Environment[key] = value;
            }
        }
        return ws;
    }

    /// <summary>Message-IDs of the campaign messages the sink received, one entry per message, by recipient.</summary>
    private static List<(string Recipient, string MessageId)> Received(SmtpSink sink)
    {
        var list = new List<(string, string)>();
        foreach (var dump in sink.Messages())
        {
            MimeMessage message;
            try
            {
                // A dump without its closing delimiter is a transaction that never completed (the sender was killed or
                // had not handed the message over yet): no MTA delivers it.
                if (!SmtpSink.IsComplete(dump))
                {
                    continue;
                }
                message = MimeMessage.Load(dump);
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                continue;   // still being written
            }
            var to = message.To.Mailboxes.Single().Address;
            if (to != ScheduleWorkspace.Editor)
            {
                list.Add((to, message.MessageId ?? ""));
            }
        }
        return list;
    }

    [Fact]
    public void Two_nodes_fire_a_scheduled_campaign_once_and_every_recipient_gets_it_once()
    {
        using var sink = new SmtpSink();
        using var ws = Workspace(sink, recipients: 60, connections: 2, messagesPerSecond: 0);
        using var a = new ServeProcess(ws.Path, ws.Environment);
        using var b = new ServeProcess(ws.Path, ws.Environment);
        Assert.True(a.WaitForOutput("clustered", Bound), a.Output);
        Assert.True(b.WaitForOutput("clustered", Bound), b.Output);

        // 45 s ahead: a real send's schedule also runs the confirmation (configuration check, relay EHLO) before it writes.
        var scheduled = ws.Run(["schedule", ScheduleWorkspace.Issue, "--at", ScheduleWorkspace.InSeconds(45), "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", Bound), a.Output + b.Output);
        Assert.True(ServeCommandTests.WaitForSink(sink, 61), "60 messages and the report");

        var received = Received(sink);
        var expected = ws.Recipients.Where(r => r.StartsWith('m')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, received.Select(r => r.Recipient).Order(StringComparer.Ordinal));
        Assert.Equal(received.Count, received.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings WHERE kind = 'campaign' AND target_id = 1"));
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM campaign_reports"));
        Assert.Equal(0, a.Stop(Bound));
        Assert.Equal(0, b.Stop(Bound));
    }

    /// <summary>
    /// Production defaults (5 min lease, 30 s delivery rounds, 200-row batches: the victim leases every row at once):
    /// the survivor must notice the silent heartbeat and take the rows over, not wait for the lease. (The failover
    /// tests schedule 75 s ahead: with two or three nodes running on a loaded machine the real send's confirmation —
    /// check, relay EHLO — once took over 45 s, and the time was past when it was stored.)
    /// </summary>
    [Fact]
    public void When_the_node_running_the_job_is_killed_the_other_takes_over_within_seconds_without_duplicates_beyond_the_in_flight_bound()
    {
        Failover(freeze: false);
    }

    /// <summary>
    /// The sending node is frozen (SIGSTOP) past the failover grace: the other takes over and finishes; when the
    /// frozen node wakes (SIGCONT) its heartbeat finds its rows taken: it sends none of the rows it still held (only a
    /// message whose transaction was under way at the freeze may complete, the in-flight bound) and leaves the
    /// campaign's state and outcomes as the survivor recorded them.
    /// </summary>
    [Fact]
    public void When_the_node_running_the_job_is_frozen_the_other_takes_over_and_the_woken_node_sends_nothing_it_lost()
    {
        Failover(freeze: true);
    }

    private void Failover(bool freeze)
    {
        const int recipients = 200;
        const int connections = 2;
        using var sink = new SmtpSink();
        using var ws = Workspace(sink, recipients, connections, messagesPerSecond: 10, productionDefaults: true);
        var nodes = new[] { new ServeProcess(ws.Path, ws.Environment), new ServeProcess(ws.Path, ws.Environment) };
        ServeProcess? frozen = null;
        try
        {
            Assert.All(nodes, n => Assert.True(n.WaitForOutput("clustered", Bound), n.Output));
            var scheduled = ws.Run(["schedule", ScheduleWorkspace.Issue, "--at", ScheduleWorkspace.InSeconds(Lead.TotalSeconds), "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
            Assert.True(scheduled.ExitCode == 0, scheduled.ToString());

            // The firing records the node that runs the job ("host:pid"); kill or freeze that one mid-send (~30 %).
            Assert.True(ws.WaitFor("SELECT COUNT(*) FROM schedule_firings", "1", Lead + Bound), string.Concat(nodes.Select(n => n.Output)));
            var runner = Convert.ToString(ws.Scalar("SELECT node FROM schedule_firings"), CultureInfo.InvariantCulture)!;
            var pid = int.Parse(runner[(runner.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var victim = Assert.Single(nodes, n => n.Id == pid);
            var survivor = Assert.Single(nodes, n => n.Id != pid);
            Assert.True(ServeCommandTests.WaitForSink(sink, recipients * 3 / 10), "sending started");
            if (freeze)
            {
                Signal(victim, "STOP");
                frozen = victim;
            }
            else
            {
                victim.KillHard();
            }
            var atStop = Received(sink).Count;
            Assert.True(atStop < recipients, $"the {(freeze ? "freeze" : "kill")} came too late to test recovery: {atStop} already delivered");

            // The takeover must come within Bound (60 s) and the rest (~140 messages at 10/s) within Completion (90 s)
            // after it, both far below the 5 min lease: the heartbeat did it, not the lease. On failure the outbox by
            // status and lease owner says where the rows are (a run that ended leaving rows leased, deferrals).
            Assert.True(survivor.WaitForOutput("Taking over campaign 1", Bound), survivor.Output);
            Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", Completion), survivor.Output + "\n--- outbox: " + OutboxStates(ws));
            Assert.True(ServeCommandTests.WaitForSink(sink, recipients + 1), "every message and the report");
            var beforeWaking = Received(sink).Count;
            if (freeze)
            {
                Signal(victim, "CONT");
                frozen = null;
                // It learns of its end from its refused heartbeat ("another node took over") or, when the survivor has
                // finished meanwhile, from the campaign's state ("stopped from outside"): either way it stops.
                // Wait for those words, not for the end of a run ("Campaign 1: …"): a delivery round that found the
                // send under way in this process logged such a line too, before the run itself noticed.
                Assert.True(victim.WaitForOutput(["another node took over", "was stopped from outside"], Bound),
                    "the woken node's send ended: " + victim.Output);
                Assert.Equal(0, victim.Stop(Bound));   // nothing it could still send after this
                var afterWaking = Received(sink).Count;
                _output.WriteLine($"the woken node completed {afterWaking - beforeWaking} messages");
                Assert.True(afterWaking - beforeWaking <= connections,
                    $"the woken node completed {afterWaking - beforeWaking} messages; at most those under way at the freeze ({connections})\n{victim.Output}");
                Assert.Equal("completed", Convert.ToString(ws.Scalar("SELECT state FROM campaigns WHERE id = 1"), CultureInfo.InvariantCulture));
            }
            var received = Received(sink);
            _output.WriteLine($"{(freeze ? "froze" : "killed")} after {atStop} of {recipients} messages; {received.Count - recipients} duplicates");
            var expected = ws.Recipients.Where(r => r.StartsWith('m')).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, received.Select(r => r.Recipient).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(recipients, received.Select(r => r.MessageId).Distinct().Count());
            var duplicates = received.Count - recipients;
            Assert.True(duplicates <= connections, $"{duplicates} duplicates; at most one per connection of the {(freeze ? "frozen" : "killed")} node ({connections})");
            Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings"));
            Assert.True(recipients == ws.Count("SELECT COUNT(*) FROM outbox WHERE campaign_id = 1 AND status = 'sent'"), OutboxStates(ws));
            Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM campaign_reports"));
            Assert.Equal(0, survivor.Stop(Bound));
        }
        finally
        {
            if (frozen is not null)
            {
                Signal(frozen, "CONT");   // a stopped process must be continued to be killed cleanly
            }
            foreach (var node in nodes) node.Dispose();
        }
    }

    /// <summary>
    /// Three nodes, production defaults; the sending node is killed, then the node that took its rows over: for each
    /// dead sender exactly one of the survivors takes it over (the takeover is one conditional delete), and the last
    /// node finishes with duplicates bounded by the two dead nodes' in-flight messages.
    /// </summary>
    [Fact]
    public void With_three_nodes_two_dying_one_after_the_other_each_dead_sender_is_taken_over_once_and_the_last_node_finishes()
    {
        const int recipients = 200;
        const int connections = 2;
        using var sink = new SmtpSink();
        using var ws = Workspace(sink, recipients, connections, messagesPerSecond: 10, productionDefaults: true);
        var nodes = new List<ServeProcess> { new(ws.Path, ws.Environment), new(ws.Path, ws.Environment), new(ws.Path, ws.Environment) };
        try
        {
            Assert.All(nodes, n => Assert.True(n.WaitForOutput("clustered", Bound), n.Output));
            var scheduled = ws.Run(["schedule", ScheduleWorkspace.Issue, "--at", ScheduleWorkspace.InSeconds(Lead.TotalSeconds), "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
            Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
            Assert.True(ws.WaitFor("SELECT COUNT(*) FROM schedule_firings", "1", Lead + Bound), string.Concat(nodes.Select(n => n.Output)));

            var dead = new List<string>();
            var killedOutput = new System.Text.StringBuilder();   // a node that took a sender over may be the next one killed
            foreach (var atMessages in new[] { recipients * 3 / 10, recipients * 6 / 10 })
            {
                Assert.True(ServeCommandTests.WaitForSink(sink, atMessages), $"{atMessages} messages sent: {Received(sink).Count}; {OutboxStates(ws)}");
                // The sender holding the most rows now (the firing's node first, then whoever took its rows over).
                var owner = WaitForSender(ws);
                var pid = int.Parse(owner.Split(':')[1], CultureInfo.InvariantCulture);
                var victim = Assert.Single(nodes, n => n.Id == pid);
                victim.KillHard();
                killedOutput.Append(victim.Output);
                nodes.Remove(victim);
                victim.Dispose();
                dead.Add(owner);
                Assert.True(Received(sink).Count < recipients, $"the kill came too late to test recovery; {OutboxStates(ws)}");

                // Exactly one survivor takes this sender over; the other sees it gone.
                var line = $"from {owner} on node";
                var deadline = DateTime.UtcNow + Bound;
                while (DateTime.UtcNow < deadline && !nodes.Any(n => n.Output.Contains(line, StringComparison.Ordinal)))
                {
                    Thread.Sleep(200);
                }
                Assert.True(nodes.Any(n => n.Output.Contains(line, StringComparison.Ordinal)),
                    $"no survivor took over {owner} within {Bound}; {OutboxStates(ws)}\n" + string.Concat(nodes.Select(n => n.Output)));
            }

            Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", Completion), OutboxStates(ws) + "\n" + string.Concat(nodes.Select(n => n.Output)));
            Assert.True(ServeCommandTests.WaitForSink(sink, recipients + 1), "every message and the report");
            foreach (var owner in dead)
            {
                var takeovers = Occurrences(killedOutput + string.Concat(nodes.Select(n => n.Output)), $"from {owner} on node");
                Assert.True(takeovers == 1, $"{owner} taken over {takeovers} times by the other nodes");
            }
            var received = Received(sink);
            _output.WriteLine($"three nodes, two killed; {received.Count - recipients} duplicates");
            var expected = ws.Recipients.Where(r => r.StartsWith('m')).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, received.Select(r => r.Recipient).Distinct().Order(StringComparer.Ordinal));
            var duplicates = received.Count - recipients;
            Assert.True(duplicates <= 2 * connections, $"{duplicates} duplicates; at most one per connection of the two killed nodes ({2 * connections})");
            Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings"));
            Assert.True(recipients == ws.Count("SELECT COUNT(*) FROM outbox WHERE campaign_id = 1 AND status = 'sent'"), OutboxStates(ws));
            Assert.Equal(0, nodes.Single().Stop(Bound));
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }
    }

    /// <summary>The lease owner (<c>host:pid:run</c>) holding the most rows of campaign 1, once one holds any.</summary>
    private static string WaitForSender(ScheduleWorkspace ws)
    {
        const string sql = "SELECT lease_owner FROM outbox WHERE campaign_id = 1 AND lease_owner IS NOT NULL GROUP BY lease_owner ORDER BY COUNT(*) DESC LIMIT 1";
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (Convert.ToString(ws.Scalar(sql), CultureInfo.InvariantCulture) is { Length: > 0 } owner)
            {
                return owner;
            }
            Thread.Sleep(100);
        }
        throw new Xunit.Sdk.XunitException($"no sender held rows of campaign 1 within {Bound}; {OutboxStates(ws)}");
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string OutboxStates(ScheduleWorkspace ws) => Convert.ToString(ws.Scalar(
        "SELECT string_agg(status || CASE WHEN lease_owner IS NULL THEN '' ELSE ' leased by ' || lease_owner END || ': ' || n "
        + "|| COALESCE(' (last reply ' || reply || ')', ''), ', ') "
        + "FROM (SELECT status, lease_owner, COUNT(*) AS n, MAX(last_reply) FILTER (WHERE status <> 'sent') AS reply "
        + "FROM outbox WHERE campaign_id = 1 GROUP BY status, lease_owner) s"),
        CultureInfo.InvariantCulture) + "; senders: " + Convert.ToString(ws.Scalar(
        "SELECT string_agg(owner || ' heartbeat ' || heartbeat_at, ', ') FROM lease_owners"), CultureInfo.InvariantCulture);

    private static void Signal(ServeProcess process, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
