using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>A recurring plan picks the newest ready issue not yet sent to its segments, and fires once per planned time.</summary>
public sealed class PlanRunnerTests : IAsyncLifetime
{
    // Mondays 09:00 in Shanghai after the harness start (Friday 2026-11-27 00:00 UTC).
    private static readonly DateTimeOffset Monday1 = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulingHarness.CreateAsync(new SqliteTestDatabase());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_plan_sends_the_newest_ready_issue_then_the_older_then_tells_the_editors_nothing_is_left()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        var runner = _h.Get<PlanRunner>();
        var campaigns = _h.Get<ICampaignStore>();
        await scheduler.MarkReadyAsync(_h.Issue("issue-older"), default);
        _h.Clock.Set(SchedulingHarness.Start.AddMinutes(10));
        await scheduler.MarkReadyAsync(_h.Issue("issue-newer"), default);
        var plan = await scheduler.AddPlanAsync("0 0 9 ? * MON", ["municipal", "县级领导"], scheduler.Zone, default);
        Assert.Equal(["municipal", "county"], plan.Segments);
        Assert.Equal(Monday1, scheduler.NextFiring(plan));

        _h.Clock.Set(Monday1.AddSeconds(1));
        Assert.Equal(FiringOutcome.Started, await runner.FireAsync(plan.Id, Monday1, recovering: false, "node-a", default));
        var first = Assert.Single(await campaigns.ListAsync());
        Assert.Equal("issue-newer", first.IssueKey);
        Assert.Equal(["li@example.org", "wang@example.org", "zhao@example.org"], _h.Sent(first.Id));

        // The same planned time again (another node, a restart): nothing more.
        Assert.Null(await runner.FireAsync(plan.Id, Monday1, recovering: false, "node-b", default));
        Assert.Single(await campaigns.ListAsync());

        var monday2 = Monday1.AddDays(7);
        _h.Clock.Set(monday2);
        Assert.Equal(FiringOutcome.Started, await runner.FireAsync(plan.Id, monday2, recovering: false, "node-a", default));
        var second = (await campaigns.ListAsync()).Single(c => c.Id != first.Id);
        Assert.Equal("issue-older", second.IssueKey);

        var monday3 = monday2.AddDays(7);
        _h.Clock.Set(monday3);
        Assert.Equal(FiringOutcome.NothingToSend, await runner.FireAsync(plan.Id, monday3, recovering: false, "node-a", default));
        Assert.Equal(2, (await campaigns.ListAsync()).Count);
        Assert.Contains(_h.Notices(), s => s.Contains("nothing to send", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_fired_too_late_sends_nothing_and_a_late_firing_counts_for_the_planned_time()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        var runner = _h.Get<PlanRunner>();
        await scheduler.MarkReadyAsync(_h.Issue("issue-a"), default);
        var plan = await scheduler.AddPlanAsync("0 0 9 ? * MON", ["enterprise"], scheduler.Zone, default);

        // The host came back on Monday 12:00 (3 h late): Quartz fires once "now"; that stands for 09:00 and is missed.
        var now = Monday1.AddHours(3);
        _h.Clock.Set(now);
        Assert.Equal(FiringOutcome.Missed, await runner.FireAsync(plan.Id, now, recovering: false, "node-a", default));
        Assert.Empty(await _h.Get<ICampaignStore>().ListAsync());
        var firing = Assert.Single(await _h.Get<IScheduleStore>().ListFiringsAsync(5));
        Assert.Equal(Monday1, firing.FireTime);
        Assert.Contains(_h.Notices(), s => s.Contains("missed", StringComparison.Ordinal));
        // A second catch-up firing for the same planned time does nothing.
        Assert.Null(await runner.FireAsync(plan.Id, now.AddSeconds(30), recovering: false, "node-b", default));
    }

    [Fact]
    public async Task Bad_plans_are_refused()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        await Assert.ThrowsAsync<ScheduleRejectedException>(() => scheduler.AddPlanAsync("0 0 25 * * ?", ["municipal"], scheduler.Zone, default));
        await Assert.ThrowsAsync<Newsletter.Core.Audience.AudienceException>(() => scheduler.AddPlanAsync("0 0 9 ? * MON", ["省级领导"], scheduler.Zone, default));
        await Assert.ThrowsAsync<ScheduleRejectedException>(() => scheduler.AddPlanAsync("0 0 9 ? * MON", [], scheduler.Zone, default));
        Assert.Empty(await _h.Get<IScheduleStore>().ListPlansAsync());
    }
}
