using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>The scheduling store's contract on SQLite and PostgreSQL: each transition wins once.</summary>
public abstract class ScheduleStoreTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulingHarness.CreateAsync(new TDatabase());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private IScheduleStore Store => _h.Get<IScheduleStore>();

    [Fact]
    public async Task A_firing_is_recorded_once_per_target_and_time()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var first = await Store.TryRecordFiringAsync(Firing.PlanKind, 1, at, "node-a", FiringOutcome.Started, null, null);
        Assert.NotNull(first);
        Assert.Null(await Store.TryRecordFiringAsync(Firing.PlanKind, 1, at, "node-b", FiringOutcome.Started, null, null));
        Assert.NotNull(await Store.TryRecordFiringAsync(Firing.PlanKind, 1, at.AddDays(7), "node-b", FiringOutcome.Started, null, null));
        Assert.NotNull(await Store.TryRecordFiringAsync(Firing.CampaignKind, 1, at, "node-b", FiringOutcome.Started, 1, null));

        await Store.UpdateFiringAsync(first.Id, FiringOutcome.NothingToSend, null, "none ready");
        var found = await Store.FindFiringAsync(Firing.PlanKind, 1, at);
        Assert.Equal((FiringOutcome.NothingToSend, "node-a", "none ready", at), (found!.Outcome, found.Node, found.Detail, found.FireTime));
    }

    [Fact]
    public async Task Leaving_scheduled_succeeds_once_and_only_for_the_stored_time()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await _h.Get<CampaignScheduler>().ScheduleAsync(_h.Issue("issue-a"), ["municipal"], at, default);
        Assert.Equal([campaign.Id], (await Store.ListScheduledAsync()).Select(c => c.Id));
        Assert.False(await Store.TryLeaveScheduledAsync(campaign.Id, at.AddMinutes(1), CampaignState.Running, null));
        Assert.True(await Store.TryLeaveScheduledAsync(campaign.Id, at, CampaignState.Running, null));
        Assert.False(await Store.TryLeaveScheduledAsync(campaign.Id, at, CampaignState.Running, null));
        Assert.False(await Store.TryMoveAsync(campaign.Id, at.AddHours(1)));
        Assert.Empty(await Store.ListScheduledAsync());
        // Running with pending rows nobody leases: the delivery engine's work.
        Assert.Equal([campaign.Id], await Store.ListResumableAsync(_h.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Reports_are_claimed_once_and_ready_issues_are_refreshed_not_duplicated()
    {
        Assert.True(await Store.TryClaimReportAsync(5, SchedulingHarness.Start));
        Assert.False(await Store.TryClaimReportAsync(5, SchedulingHarness.Start));

        var first = await Store.MarkReadyAsync("2026-01", "第一期", "/a.md", "text 1");
        _h.Clock.Set(SchedulingHarness.Start.AddMinutes(1));
        await Store.MarkReadyAsync("2026-02", "第二期", "/b.md", "text 2");
        _h.Clock.Set(SchedulingHarness.Start.AddMinutes(2));
        var again = await Store.MarkReadyAsync("2026-01", "第一期（修订）", "/a.md", "text 1b");
        Assert.Equal(first.Id, again.Id);
        var ready = await Store.ListReadyAsync();
        Assert.Equal(["2026-01", "2026-02"], ready.Select(r => r.IssueKey));
        Assert.Equal("text 1b", ready[0].SourceText);
    }

    [Fact]
    public async Task Plans_are_added_listed_and_removed()
    {
        var plan = await Store.AddPlanAsync("0 0 9 ? * MON", ["municipal", "county"], Newsletter.Core.Audience.AudienceTags.None, "Asia/Shanghai");
        Assert.Equal(plan, await Store.GetPlanAsync(plan.Id), PlanComparer.Instance);
        Assert.Single(await Store.ListPlansAsync());
        Assert.True(await Store.RemovePlanAsync(plan.Id));
        Assert.False(await Store.RemovePlanAsync(plan.Id));
        Assert.Null(await Store.GetPlanAsync(plan.Id));
    }

    private sealed class PlanComparer : IEqualityComparer<SchedulePlan?>
    {
        public static readonly PlanComparer Instance = new();

        public bool Equals(SchedulePlan? x, SchedulePlan? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Cron == y.Cron && x.Segments.SequenceEqual(y.Segments) && x.TimeZone == y.TimeZone
            && x.CreatedAt == y.CreatedAt;

        public int GetHashCode(SchedulePlan? obj) => obj?.Id.GetHashCode() ?? 0;
    }
}

public sealed class SqliteScheduleStoreTests : ScheduleStoreTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresScheduleStoreTests : ScheduleStoreTests<PostgresTestDatabase>;
