using System.Collections.Concurrent;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>Claims with leases, on both engines: no row is leased twice, and expired leases become claimable again.</summary>
public abstract class SqlCampaignStoreLeaseTests<TDatabase> where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Concurrent_claimers_never_lease_the_same_row()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 500);
        var campaign = await fixture.NewCampaignAsync();
        var seen = new ConcurrentDictionary<long, string>();
        var duplicates = new ConcurrentBag<long>();
        var now = DateTimeOffset.UtcNow;

        // Four claimers, each with its own connection pool (as separate processes would have on PostgreSQL).
        var claimers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await using var database = new NewsletterDatabase(DatabaseOptionsOf(fixture));
            var store = new Newsletter.Data.Delivery.SqlCampaignStore(database, new Newsletter.Data.Audience.SqlSubscriberStore(database, TimeProvider.System), TimeProvider.System);
            var owner = $"claimer-{i}";
            while (await store.ClaimAsync(campaign.Id, owner, 25, now, now + TimeSpan.FromMinutes(5)) is { Count: > 0 } batch)
            {
                foreach (var entry in batch)
                {
                    if (!seen.TryAdd(entry.Id, owner))
                    {
                        duplicates.Add(entry.Id);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(claimers);

        Assert.Empty(duplicates);
        Assert.Equal(500, seen.Count);
    }

    [Fact]
    public async Task An_expired_lease_makes_the_row_claimable_again_and_recording_releases_it()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 5);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        var first = await fixture.Campaigns.ClaimAsync(campaign.Id, "a", 3, t0, t0 + TimeSpan.FromMinutes(1));
        Assert.Equal(3, first.Count);

        var during = await fixture.Campaigns.ClaimAsync(campaign.Id, "b", 10, t0 + TimeSpan.FromSeconds(30), t0 + TimeSpan.FromMinutes(2));
        Assert.Equal(2, during.Count);
        Assert.Empty(first.Select(e => e.Id).Intersect(during.Select(e => e.Id)));
        Assert.Equal(["a", "b"], (await fixture.Campaigns.ListLeaseOwnersAsync(campaign.Id)).Order());

        var after = await fixture.Campaigns.ClaimAsync(campaign.Id, "c", 10, t0 + TimeSpan.FromMinutes(1.5), t0 + TimeSpan.FromMinutes(3));
        Assert.Equal(first.Select(e => e.Id).Order(), after.Select(e => e.Id).Order());
        // The same row keeps its Message-ID when it is claimed again: a re-send is recognisable as a duplicate.
        Assert.Equal(first.Select(e => e.MessageId).Order(), after.Select(e => e.MessageId).Order());

        var at = t0 + TimeSpan.FromMinutes(1.6);
        await fixture.Campaigns.RecordAsync([.. after.Select(e => new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Sent, 1, "250 ok", at, null, false))]);
        await fixture.Campaigns.ReleaseAsync("b");
        Assert.Empty(await fixture.Campaigns.ListLeaseOwnersAsync(campaign.Id));
        var rest = await fixture.Campaigns.ClaimAsync(campaign.Id, "d", 10, at, at + TimeSpan.FromMinutes(1));
        Assert.Equal(during.Select(e => e.Id).Order(), rest.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task A_silent_sender_is_taken_over_its_leases_released_and_its_heartbeat_refused_a_live_one_keeps_its_rows()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 6);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        await fixture.Campaigns.RegisterSenderAsync("node1:1:a", "node1:1", campaign.Id, t0);
        await fixture.Campaigns.RegisterSenderAsync("node2:2:b", "node2:2", campaign.Id, t0);
        var a = await fixture.Campaigns.ClaimAsync(campaign.Id, "node1:1:a", 3, t0, t0 + TimeSpan.FromMinutes(5));
        var b = await fixture.Campaigns.ClaimAsync(campaign.Id, "node2:2:b", 3, t0, t0 + TimeSpan.FromMinutes(5));
        Assert.True(await fixture.Campaigns.HeartbeatAsync("node2:2:b", t0 + TimeSpan.FromSeconds(20)));
        Assert.Equal(["node1:1", "node2:2"], (await fixture.Campaigns.ListSendersAsync(campaign.Id)).Select(s => s.Node));

        var taken = await fixture.Campaigns.TakeOverSilentSendersAsync(campaign.Id, t0 + TimeSpan.FromSeconds(15));

        var sender = Assert.Single(taken);
        Assert.Equal(("node1:1:a", "node1:1", campaign.Id, 3), (sender.Owner, sender.Node, sender.CampaignId, sender.Released));
        Assert.False(await fixture.Campaigns.HeartbeatAsync("node1:1:a", t0 + TimeSpan.FromSeconds(30)));   // fenced
        Assert.Empty(await fixture.Campaigns.TakeOverSilentSendersAsync(campaign.Id, t0 + TimeSpan.FromSeconds(15)));
        Assert.Equal(["node2:2:b"], await fixture.Campaigns.ListLeaseOwnersAsync(campaign.Id));
        // The dead sender's rows are claimable at once, long before their 5-minute lease ends; the live one's are not.
        var again = await fixture.Campaigns.ClaimAsync(campaign.Id, "node2:2:c", 10, t0 + TimeSpan.FromSeconds(31), t0 + TimeSpan.FromMinutes(6));
        Assert.Equal(a.Select(e => e.Id).Order(), again.Select(e => e.Id).Order());
        Assert.Empty(b.Select(e => e.Id).Intersect(again.Select(e => e.Id)));
        Assert.Equal(3, Assert.Single(await fixture.Campaigns.ListSendersAsync(campaign.Id)).Leased);
    }

    /// <summary>
    /// Fencing of a sender that was frozen while another node took its rows over and sent them: when it wakes, the
    /// outcomes it had not recorded yet (a deferral, a second send) must not make a sent row due again.
    /// </summary>
    [Fact]
    public async Task A_late_outcome_never_overwrites_a_sent_row()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 2);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        var rows = await fixture.Campaigns.ClaimAsync(campaign.Id, "survivor", 10, t0, t0 + TimeSpan.FromMinutes(5));
        await fixture.Campaigns.RecordAsync([.. rows.Select(e => new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Sent, 1, "250 survivor", t0, null, false))]);

        await using (var woken = await fixture.Campaigns.OpenOutcomeWriterAsync(campaign.Id, "woken"))
        {
            await woken.WriteAsync([
                new DeliveryRecord(rows[0].Id, rows[0].SubscriberId, OutboxStatus.Deferred, 2, "451 late", t0, t0 + TimeSpan.FromMinutes(1), false),
                new DeliveryRecord(rows[1].Id, rows[1].SubscriberId, OutboxStatus.Sent, 2, "250 woken", t0, null, false),
            ]);
        }

        Assert.Equal(2, Assert.Single(await fixture.Campaigns.CountAsync(campaign.Id)).Sent);
        Assert.Null(await fixture.Campaigns.NextDeferredAsync(campaign.Id));
        Assert.Empty(await fixture.Campaigns.ClaimAsync(campaign.Id, "later", 10, t0 + TimeSpan.FromMinutes(2), t0 + TimeSpan.FromMinutes(3)));
        Assert.Equal(1, (await fixture.Campaigns.FindEntryAsync(campaign.Id, rows[1].SubscriberId))!.Attempts);
    }

    [Fact]
    public async Task Deferred_rows_are_due_at_their_next_attempt_and_retry_failed_requeues_failures()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 2);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        var claimed = await fixture.Campaigns.ClaimAsync(campaign.Id, "a", 10, t0, t0 + TimeSpan.FromMinutes(1));
        await fixture.Campaigns.RecordAsync([
            new DeliveryRecord(claimed[0].Id, claimed[0].SubscriberId, OutboxStatus.Deferred, 1, "451 later", t0, t0 + TimeSpan.FromMinutes(10), false),
            new DeliveryRecord(claimed[1].Id, claimed[1].SubscriberId, OutboxStatus.Failed, 1, "550 5.1.1 no such user", t0, null, true),
        ]);

        Assert.Empty(await fixture.Campaigns.ClaimAsync(campaign.Id, "b", 10, t0 + TimeSpan.FromMinutes(5), t0 + TimeSpan.FromMinutes(6)));
        Assert.Equal(t0 + TimeSpan.FromMinutes(10), (await fixture.Campaigns.NextDeferredAsync(campaign.Id))!.Value, TimeSpan.FromMilliseconds(1));
        var due = Assert.Single(await fixture.Campaigns.ClaimAsync(campaign.Id, "b", 10, t0 + TimeSpan.FromMinutes(11), t0 + TimeSpan.FromMinutes(12)));
        Assert.Equal(claimed[0].Id, due.Id);
        Assert.Equal(1, due.Attempts);

        var failures = await fixture.Campaigns.ListFailuresAsync(campaign.Id, 10);
        Assert.Contains(failures, f => f.Status == OutboxStatus.Failed && f.Reply == "550 5.1.1 no such user" && f.Email == fixture.Emails[1]);
        Assert.Equal(1, await fixture.Campaigns.RetryFailedAsync(campaign.Id));
        var again = await fixture.Campaigns.FindEntryAsync(campaign.Id, claimed[1].SubscriberId);
        // The hard bounce marked the subscriber: the retried row will be skipped, not sent.
        Assert.False(again!.SubscriberActive);
    }

    [Fact]
    public async Task A_second_campaign_of_the_same_issue_and_segments_is_a_typed_refusal_not_a_database_error()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 3);
        var first = await fixture.NewCampaignAsync("race-1");

        var e = await Assert.ThrowsAsync<CampaignExistsException>(() => fixture.NewCampaignAsync("race-1"));

        Assert.Contains("race-1", e.Message);
        Assert.Equal([first.Id], (await fixture.Campaigns.ListAsync()).Select(c => c.Id));
    }

    private static DatabaseOptions DatabaseOptionsOf(DeliveryFixture fixture) =>
        fixture.Database.Provider == DatabaseProvider.Postgres
            ? new DatabaseOptions { Provider = "postgres", ConnectionString = fixture.Database.ConnectionString }
            : new DatabaseOptions { ConnectionString = fixture.Database.ConnectionString };
}

public sealed class SqliteCampaignStoreLeaseTests : SqlCampaignStoreLeaseTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresCampaignStoreLeaseTests : SqlCampaignStoreLeaseTests<PostgresTestDatabase>;
