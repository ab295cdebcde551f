using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// The real pipeline (SQLite outbox, SmtpTransport, CampaignSender) against an SMTP server that misbehaves on purpose:
/// every deliverable message arrives exactly once, refused recipients fail with their reply, and sender-side faults pause.
/// </summary>
public sealed class CampaignSenderFaultTests
{
    private static readonly DeliveryOptions FastRetries = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxAttempts = 40,
        MaxRetryAge = TimeSpan.FromMinutes(5),
        BatchSize = 50,
        PauseAfterConsecutiveErrors = 5,
    };

    private static SmtpTransport Transport(FaultySmtpServer server, int connections = 4) => new(new SmtpOptions
    {
        Host = server.Host, Port = server.Port, Security = SmtpSecurity.None, Connections = connections,
        Timeout = TimeSpan.FromSeconds(1), MessagesPerConnection = 50,
    });

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public async Task Every_deliverable_message_arrives_exactly_once_despite_random_faults(int seed, bool pipelining)
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 300);
        var refused = fixture.Emails.Where((_, i) => i % 37 == 5).ToHashSet(StringComparer.OrdinalIgnoreCase);
        await using var server = new FaultySmtpServer(new SmtpFaults
        {
            ShutdownOnMail = 0.03,
            TemporaryOnRcpt = 0.05,
            InsufficientStorageOnRcpt = 0.03,
            TemporaryAfterData = 0.05,
            DropMidData = 0.03,
            StallAfterData = 0.01,
            StallTime = TimeSpan.FromMilliseconds(1500),
            RejectedRecipients = refused,
            Pipelining = pipelining,
        }, seed);
        var campaign = await fixture.NewCampaignAsync();

        var summary = await fixture.Sender(Transport(server), FastRetries).RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.True(summary.Paused is null, summary.Paused);
        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        var rows = await fixture.OutboxAsync(campaign.Id);
        Assert.Equal(300, rows.Count);
        // The faults really happened, of every kind.
        foreach (var kind in new[] { "421", "451", "452", "451-data", "drop", "550" })
        {
            Assert.True(server.Injected.GetValueOrDefault(kind) > 0, $"no {kind} was injected: {string.Join(", ", server.Injected)}");
        }
        foreach (var row in rows)
        {
            if (refused.Contains(row.Email))
            {
                Assert.Equal("failed", row.Status);
                Assert.StartsWith("550", row.Reply, StringComparison.Ordinal);
                Assert.False(server.Accepted.ContainsKey(row.MessageId));
            }
            else
            {
                Assert.True(row.Status == "sent", $"{row.Email}: {row.Status} {row.Reply}");
                Assert.Equal(1, server.Accepted.GetValueOrDefault(row.MessageId));
            }
        }
        Assert.Equal(300 - refused.Count, server.Accepted.Count);
        Assert.Equal(300 - refused.Count, server.Accepted.Values.Sum());
        // With PIPELINING, DATA went in one group with MAIL and RCPT (our transaction); without, MailKit's waited for each reply.
        Assert.True(pipelining ? server.PipelinedAfterRcpt >= server.Accepted.Count : server.PipelinedAfterRcpt == 0,
            $"{server.PipelinedAfterRcpt} RCPT commands had DATA behind them ({server.Accepted.Count} messages accepted)");
        // With PIPELINING the next message's commands followed the previous end of data, most of the time (not after a
        // message whose commands were refused, nor when a worker found no next row queued).
        Assert.True(pipelining ? server.PipelinedAfterData >= server.Accepted.Count / 2 : server.PipelinedAfterData == 0,
            $"{server.PipelinedAfterData} ends of data had the next message behind them ({server.Accepted.Count} messages accepted)");
        // Refused recipients are marked bounced, and the next campaign skips them.
        foreach (var email in refused)
        {
            Assert.Equal(SubscriberStatus.Bounced, (await fixture.Subscribers.FindByEmailAsync(email))!.Status);
        }
    }

    [Fact]
    public async Task Pipelined_messages_keep_their_own_outcomes_through_refusals_and_lost_connections()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 40);
        // Scripted by the order the server sees commands in: with one connection most MAIL commands are announced behind
        // the previous message's end of data, so each fault lands next to another message's transaction.
        await using var server = new FaultySmtpServer(new SmtpFaults
        {
            MailScript = new Dictionary<int, string> { [5] = "550 5.7.1 refused for this message", [12] = "421 4.7.0 too many messages" },
            DataScript = new Dictionary<int, string>
            {
                [3] = "451 4.3.0 try again later", [8] = SmtpFaults.Drop, [15] = SmtpFaults.AcceptThenDrop, [20] = "554 5.6.0 content refused",
            },
        }, 1);
        var campaign = await fixture.NewCampaignAsync();

        var summary = await fixture.Sender(Transport(server, connections: 1), FastRetries).RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.True(summary.Paused is null, summary.Paused);
        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        var rows = await fixture.OutboxAsync(campaign.Id);
        var failed = rows.Where(r => r.Status != "sent").ToList();
        // Each refusal failed the message it was about, not its neighbour; nothing the server did not accept is sent.
        Assert.Equal(["550 5.7.1", "554 5.6.0"], failed.Select(r => r.Reply![..9]).Order(StringComparer.Ordinal));
        Assert.All(failed, r => Assert.Equal("failed", r.Status));
        Assert.All(failed, r => Assert.False(server.Accepted.ContainsKey(r.MessageId)));
        Assert.All(rows.Where(r => r.Status == "sent"), r => Assert.Equal(1, server.Accepted.GetValueOrDefault(r.MessageId)));
        Assert.Equal(38, server.Accepted.Count);
        Assert.True(server.PipelinedAfterData > 20, $"only {server.PipelinedAfterData} ends of data had the next message behind them");
        foreach (var kind in new[] { "mail-550", "mail-421", "data-451", "data-drop", "data-accept-then-drop", "data-554" })
        {
            Assert.True(server.Injected.GetValueOrDefault(kind) > 0, $"no {kind}: {string.Join(", ", server.Injected)}");
        }
    }

    [Fact]
    public async Task Many_rejections_of_the_sender_in_a_row_pause_the_campaign_with_the_reply()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 60);
        await using var server = new FaultySmtpServer(new SmtpFaults { RejectAllMail = "554 5.7.1 sender address blocked" }, 1);
        var campaign = await fixture.NewCampaignAsync();

        // One connection: no other message is in flight when the threshold is reached.
        var summary = await fixture.Sender(Transport(server, connections: 1), FastRetries)
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.Equal(CampaignState.Paused, summary.Campaign.State);
        Assert.Contains("554", summary.Paused, StringComparison.Ordinal);
        Assert.Contains("554", summary.Campaign.StateReason, StringComparison.Ordinal);
        var counts = Assert.Single(summary.Counts);
        Assert.Equal(FastRetries.PauseAfterConsecutiveErrors, counts.Failed);
        Assert.True(counts.Pending >= 60 - FastRetries.PauseAfterConsecutiveErrors - 1, $"the list was burnt: {counts}");
    }

    [Fact]
    public async Task A_refused_login_pauses_the_campaign_and_keeps_every_message()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 40);
        await using var server = new FaultySmtpServer(new SmtpFaults { RefuseAuthentication = true }, 1);
        var campaign = await fixture.NewCampaignAsync();
        var transport = new SmtpTransport(new SmtpOptions
        {
            Host = server.Host, Port = server.Port, Security = SmtpSecurity.None, UserName = "bulletin", Password = "wrong-secret", Connections = 2,
        });

        var summary = await fixture.Sender(transport, FastRetries).RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.Equal(CampaignState.Paused, summary.Campaign.State);
        Assert.Contains("authentication", summary.Paused, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong-secret", summary.Paused, StringComparison.Ordinal);
        Assert.Empty(server.Accepted);
        var counts = Assert.Single(summary.Counts);
        Assert.Equal(0, counts.Failed);
        Assert.Equal(40, counts.Pending + counts.Deferred);
    }

    [Fact]
    public async Task Pausing_from_another_process_stops_a_running_sender_promptly()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 400);
        await using var server = new FaultySmtpServer(new SmtpFaults { AcceptDelay = TimeSpan.FromMilliseconds(10) }, 1);
        var campaign = await fixture.NewCampaignAsync();
        var run = fixture.Sender(Transport(server, connections: 2), FastRetries with { BatchSize = 20 })
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (server.Accepted.Count < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {server.Accepted.Count} of the first 20 messages accepted within a minute; run {run.Status}");
            await Task.Delay(10);
        }
        // "Another process": its own connection pool on the same file.
        await using (var other = new NewsletterDatabase(new DatabaseOptions { ConnectionString = fixture.Database.ConnectionString }))
        {
            var store = new global::Newsletter.Data.Delivery.SqlCampaignStore(other, new global::Newsletter.Data.Audience.SqlSubscriberStore(other, TimeProvider.System), TimeProvider.System);
            await store.SetStateAsync(campaign.Id, CampaignState.Paused, "paused by the administrator");
        }
        // Promptly is judged by the counts below; the wait only keeps a hung run from hanging the suite.
        var summary = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(CampaignState.Paused, summary.Campaign.State);
        Assert.Equal("paused by the administrator", summary.Campaign.StateReason);
        Assert.Null(summary.Paused);
        var counts = Assert.Single(summary.Counts);
        Assert.True(counts.Pending > 200, $"the sender went on after the pause: {counts}");
        Assert.Equal(counts.Sent, server.Accepted.Count);
        // Nothing stays leased: a resume can take every row at once.
        Assert.Empty(await fixture.Campaigns.ListLeaseOwnersAsync(campaign.Id));
    }

    [Fact]
    public async Task Rows_leased_by_a_dead_process_are_sent_at_once_on_restart_with_their_message_ids()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 30);
        await using var server = new FaultySmtpServer(new SmtpFaults(), 1);
        var campaign = await fixture.NewCampaignAsync();
        // A sender on this machine claimed ten rows with a five-minute lease, then was killed (no such pid).
        var now = DateTimeOffset.UtcNow;
        var dead = $"{Environment.MachineName}:{int.MaxValue - 7}:0123456789abcdef";
        var claimed = await fixture.Campaigns.ClaimAsync(campaign.Id, dead, 10, now, now + TimeSpan.FromMinutes(5));
        Assert.Equal(10, claimed.Count);

        var summary = await fixture.Sender(Transport(server), FastRetries).RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        Assert.All(claimed, entry => Assert.Equal(1, server.Accepted.GetValueOrDefault(entry.MessageId)));
        Assert.Equal(30, server.Accepted.Count);
    }
}
