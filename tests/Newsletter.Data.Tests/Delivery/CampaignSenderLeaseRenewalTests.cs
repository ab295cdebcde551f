using System.Collections.Concurrent;
using MimeKit;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// Rows a sender has claimed but not yet sent (queued behind a rate limit) stay leased to it for as long as it lives:
/// neither another sender polling the same outbox nor its own next claim takes them, so none is sent twice. On both
/// engines: on PostgreSQL the renewal is what keeps other nodes off the rows.
/// </summary>
public abstract class CampaignSenderLeaseRenewalTests<TDatabase> where TDatabase : TestDatabase, new()
{
    [Fact]
    [Slow]   // 30 messages at 3 a second past a 5 s lease: 10 s of wall time by design (issue 16: not in the fast loop)
    public async Task A_live_sender_keeps_its_queued_rows_beyond_one_lease_duration()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 30);
        var campaign = await fixture.NewCampaignAsync();
        using var pickup = new TempDirectory("lease-renewal");
        var transport = new CountingTransport(new PickupTransport(pickup.Path));
        // 30 messages at 3 per second take ~10 s: twice the 5 s lease, all claimed in the first batch.
        var delivery = new DeliveryOptions { LeaseDuration = TimeSpan.FromSeconds(5), MessagesPerSecond = 3, BatchSize = 30 };
        var run = fixture.Sender(transport, delivery).RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        // The rival starts once the sender holds its batch (its first message is out): before, both claim as equals.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (transport.Sends.IsEmpty && !run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sender sent nothing within 2 minutes");
            await Task.Delay(20);
        }
        var stolen = 0;
        while (!run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run did not end within 2 minutes; {transport.Sends.Count} of 30 sent, {stolen} stolen");
            var now = DateTimeOffset.UtcNow;
            stolen += (await fixture.Campaigns.ClaimAsync(campaign.Id, "rival-node", 100, now, now + TimeSpan.FromSeconds(5))).Count;
            await Task.Delay(100);
        }

        var summary = await run;
        Assert.Equal(0, stolen);
        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        Assert.Equal(30, summary.Counts.Sum(c => c.Sent));
        Assert.Equal(30, transport.Sends.Count);
        Assert.All(transport.Sends, pair => Assert.Equal(1, pair.Value));
    }

    /// <summary>Counts how often each message (by file name, i.e. outbox row) is handed to the transport.</summary>
    private sealed class CountingTransport(IMailTransport inner) : IMailTransport
    {
        public ConcurrentDictionary<string, int> Sends { get; } = new();

        public string Description => inner.Description;

        public int MaxSessions => inner.MaxSessions;

        public IMailSession OpenSession(string batchName, CancellationToken cancellationToken) =>
            new Session(inner.OpenSession(batchName, cancellationToken), Sends);

        private sealed class Session(IMailSession inner, ConcurrentDictionary<string, int> sends) : IMailSession
        {
            public string Send(OutgoingMessage message, string fileName, Action? handOver)
            {
                sends.AddOrUpdate(fileName, 1, (_, n) => n + 1);
                return inner.Send(message, fileName, handOver);
            }

            public void Dispose() => inner.Dispose();
        }
    }
}

public sealed class SqliteCampaignSenderLeaseRenewalTests : CampaignSenderLeaseRenewalTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresCampaignSenderLeaseRenewalTests : CampaignSenderLeaseRenewalTests<PostgresTestDatabase>;
