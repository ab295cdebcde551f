using Newsletter.Core.Delivery;
using Newsletter.Data.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// The SQLite outcome journal on real files: a run's writer keeps outcomes there, the outcomes of a run that died come
/// back exactly, a line cut short by the crash is ignored, and the journal of a live run is left alone.
/// </summary>
public sealed class OutcomeJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 30, 15, 123, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_sqlite_run_keeps_its_outcomes_in_a_journal_that_recovery_records_once_the_run_is_gone()
    {
        await using var db = new SqliteTestDatabase();
        await using var fixture = await DeliveryFixture.CreateAsync(db, 3);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        var rows = await fixture.Campaigns.ClaimAsync(campaign.Id, "host:42:run", 10, t0, t0 + TimeSpan.FromMinutes(5));
        Assert.True(fixture.Campaigns.KeepsOutcomesBeforeCommit);

        var writer = await fixture.Campaigns.OpenOutcomeWriterAsync(campaign.Id, "host:42:run");
        Assert.True(writer.CanKeep);
        foreach (var row in rows.Take(2))
        {
            writer.Keep(new DeliveryRecord(row.Id, row.SubscriberId, OutboxStatus.Sent, 1, "250 kept", t0, null, false));
        }
        var journal = Assert.Single(Directory.GetFiles(db.FilePath + "-outcomes"));
        // The run is alive: nobody else may recover what it keeps.
        Assert.Equal(0, await fixture.Campaigns.RecoverOutcomesAsync(campaign.Id));

        await writer.DisposeAsync();   // the run died: nothing committed, the kept outcomes not forgotten
        Assert.True(File.Exists(journal));
        Assert.Equal(0, Assert.Single(await fixture.Campaigns.CountAsync(campaign.Id)).Sent);

        Assert.Equal(2, await fixture.Campaigns.RecoverOutcomesAsync(campaign.Id));

        Assert.Equal(2, Assert.Single(await fixture.Campaigns.CountAsync(campaign.Id)).Sent);
        Assert.False(File.Exists(journal));
        Assert.Equal(0, await fixture.Campaigns.RecoverOutcomesAsync(campaign.Id));
    }

    [Fact]
    public async Task A_journal_whose_outcomes_are_all_forgotten_goes_with_its_writer()
    {
        await using var db = new SqliteTestDatabase();
        await using var fixture = await DeliveryFixture.CreateAsync(db, 1);
        var campaign = await fixture.NewCampaignAsync();
        var t0 = DateTimeOffset.UtcNow;
        var row = Assert.Single(await fixture.Campaigns.ClaimAsync(campaign.Id, "host:42:run", 10, t0, t0 + TimeSpan.FromMinutes(5)));
        var record = new DeliveryRecord(row.Id, row.SubscriberId, OutboxStatus.Sent, 1, "250 ok", t0, null, false);

        await using (var writer = await fixture.Campaigns.OpenOutcomeWriterAsync(campaign.Id, "host:42:run"))
        {
            writer.Keep(record);
            await writer.WriteAsync([record]);
            writer.ForgetKept();
        }

        Assert.Empty(Directory.GetFiles(db.FilePath + "-outcomes"));
        Assert.Equal(1, Assert.Single(await fixture.Campaigns.CountAsync(campaign.Id)).Sent);
    }

    [Fact]
    public async Task The_journal_of_a_dead_run_is_recorded_once_in_order_and_a_torn_last_line_is_ignored()
    {
        using var folder = new TempDirectory("journal");
        DeliveryRecord[] written =
        [
            Record(1, OutboxStatus.Deferred) with { Reply = "451 4.3.0 稍后再试 \"quoted\"\n", NextAttemptAt = At.AddMinutes(5) },
            Record(2, OutboxStatus.Failed) with { Reply = "550 5.1.1 no such user", MarkSubscriberBounced = true },
            Record(1, OutboxStatus.Sent) with { Reply = null, Attempts = 2 },
        ];
        var journal = OutcomeJournal.Create(folder.Path, 5, "host:42:run");
        foreach (var record in written)
        {
            journal.Write(record);
        }
        journal.Dispose();   // the process died: nothing committed, the lock released
        await File.AppendAllTextAsync(journal.Path, """{"id":3,"subscriber":3,"sta""");
        using (OutcomeJournal.Create(folder.Path, 6, "host:43:run"))
        {
            var recorded = new List<DeliveryRecord>();
            var count = await OutcomeJournal.RecoverAsync(folder.Path, 5, (batch, _) =>
            {
                recorded.AddRange(batch);
                return Task.CompletedTask;
            }, CancellationToken.None);

            Assert.Equal(3, count);
            Assert.Equal(written, recorded);
            Assert.False(File.Exists(journal.Path));
            Assert.Single(Directory.GetFiles(folder.Path));   // campaign 6's journal is not campaign 5's
        }
        Assert.Equal(0, await OutcomeJournal.RecoverAsync(folder.Path, 5, (_, _) => throw new InvalidOperationException("nothing to record"), CancellationToken.None));
    }

    private static DeliveryRecord Record(long id, OutboxStatus status) => new(id, id * 10, status, 1, "250 2.0.0 Ok", At, null, false);
}

/// <summary>PostgreSQL keeps no journal: its outbox is shared by several machines.</summary>
[Requires("postgres")]
public sealed class PostgresOutcomeWriterTests
{
    [Fact]
    public async Task On_postgresql_outcomes_are_safe_only_once_committed()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new PostgresTestDatabase(), 1);
        var campaign = await fixture.NewCampaignAsync();

        await using var writer = await fixture.Campaigns.OpenOutcomeWriterAsync(campaign.Id, "host:42:run");

        Assert.False(writer.CanKeep);
        Assert.False(fixture.Campaigns.KeepsOutcomesBeforeCommit);
        Assert.Equal(0, await fixture.Campaigns.RecoverOutcomesAsync(campaign.Id));
    }
}
