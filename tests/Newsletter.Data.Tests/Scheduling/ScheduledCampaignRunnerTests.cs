using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>
/// Scheduled campaigns fired by the runner on a real SQLite file with a controllable clock: once at their time,
/// not when cancelled or moved, late within the grace, missed beyond it.
/// </summary>
public sealed class ScheduledCampaignRunnerTests : IAsyncLifetime
{
    private static readonly string[] Everyone = ["li@example.org", "qiye@example.org", "wang@example.org", "zhao@example.org"];
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulingHarness.CreateAsync(new SqliteTestDatabase());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private CampaignScheduler Scheduler => _h.Get<CampaignScheduler>();

    private ScheduledCampaignRunner Runner => _h.Get<ScheduledCampaignRunner>();

    private async Task<CampaignState> StateAsync(long id) => (await _h.Get<ICampaignStore>().GetAsync(id))!.State;

    [Fact]
    public async Task A_scheduled_campaign_fires_once_at_its_time_and_reports_to_the_editors()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await Scheduler.ScheduleAsync(_h.Issue("issue-a"), null, at, default);
        Assert.Equal(CampaignState.Scheduled, campaign.State);
        Assert.Equal(at, campaign.ScheduledAt);

        _h.Clock.Set(at.AddMinutes(-1));
        Assert.Null(await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Empty(_h.Sent(campaign.Id));

        _h.Clock.Set(at.AddSeconds(1));
        Assert.Equal(FiringOutcome.Started, await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Equal(Everyone, _h.Sent(campaign.Id));
        Assert.Equal(CampaignState.Completed, await StateAsync(campaign.Id));

        // A second firing (another node, a re-created trigger) finds it done and sends nothing.
        Assert.Null(await Runner.FireAsync(campaign.Id, "node-b", default));
        Assert.Equal(Everyone, _h.Sent(campaign.Id));
        var firings = await _h.Get<IScheduleStore>().ListFiringsAsync(10);
        Assert.Equal("node-a", Assert.Single(firings).Node);

        var report = Assert.Single(_h.Notices());
        Assert.Contains($"campaign {campaign.Id}", report, StringComparison.Ordinal);
        Assert.Contains("4/4 delivered", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_campaign_never_fires()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await Scheduler.ScheduleAsync(_h.Issue("issue-a"), ["municipal"], at, default);
        var cancelled = await Scheduler.CancelAsync(campaign.Id, default);
        Assert.Equal(CampaignState.Cancelled, cancelled.State);

        _h.Clock.Set(at.AddSeconds(5));
        Assert.Null(await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Empty(_h.Sent(campaign.Id));
        Assert.Empty(await _h.Get<IScheduleStore>().ListScheduledAsync());
        var again = await Assert.ThrowsAsync<ScheduleRejectedException>(() => Scheduler.CancelAsync(campaign.Id, default));
        Assert.Contains("cancelled", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_moved_campaign_fires_at_the_new_time_only()
    {
        var first = SchedulingHarness.Start.AddHours(1);
        var second = SchedulingHarness.Start.AddHours(3);
        var campaign = await Scheduler.ScheduleAsync(_h.Issue("issue-a"), ["county"], first, default);
        var moved = await Scheduler.MoveAsync(campaign.Id, second, default);
        Assert.Equal(second, moved.ScheduledAt);

        _h.Clock.Set(first.AddSeconds(1));
        Assert.Null(await Runner.FireAsync(campaign.Id, "node-a", default));   // the stale trigger of the old time
        Assert.Empty(_h.Sent(campaign.Id));

        _h.Clock.Set(second);
        Assert.Equal(FiringOutcome.Started, await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Equal(["zhao@example.org"], _h.Sent(campaign.Id));
        await Assert.ThrowsAsync<ScheduleRejectedException>(() => Scheduler.MoveAsync(campaign.Id, second.AddHours(1), default));
    }

    [Fact]
    public async Task Times_in_the_past_are_refused_and_nothing_is_created()
    {
        var e = await Assert.ThrowsAsync<ScheduleRejectedException>(() =>
            Scheduler.ScheduleAsync(_h.Issue("issue-a"), null, SchedulingHarness.Start.AddMinutes(-5), default));
        Assert.Contains("past", e.Message, StringComparison.Ordinal);
        Assert.Empty(await _h.Get<ICampaignStore>().ListAsync());
        Assert.Throws<ScheduleRejectedException>(() => Scheduler.FutureTime("2026-11-26 08:00", Scheduler.Zone));
    }

    [Fact]
    public async Task A_firing_late_within_the_grace_still_sends()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await Scheduler.ScheduleAsync(_h.Issue("issue-a"), ["municipal"], at, default);
        _h.Clock.Set(at.AddMinutes(90));
        Assert.Equal(FiringOutcome.Started, await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Equal(["li@example.org", "wang@example.org"], _h.Sent(campaign.Id));
        Assert.Contains("1.5 h late", (await _h.Get<IScheduleStore>().ListFiringsAsync(1))[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_firing_beyond_the_grace_marks_the_campaign_missed_and_tells_the_editors()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await Scheduler.ScheduleAsync(_h.Issue("issue-a"), ["municipal"], at, default);
        _h.Clock.Set(at.AddHours(2).AddMinutes(1));
        Assert.Equal(FiringOutcome.Missed, await Runner.FireAsync(campaign.Id, "node-a", default));
        Assert.Empty(_h.Sent(campaign.Id));
        var stored = (await _h.Get<ICampaignStore>().GetAsync(campaign.Id))!;
        Assert.Equal(CampaignState.Missed, stored.State);
        Assert.Contains("MisfireGrace", stored.StateReason, StringComparison.Ordinal);
        Assert.Contains(_h.Notices(), s => s.Contains("missed", StringComparison.Ordinal) && s.Contains($"campaign {campaign.Id}", StringComparison.Ordinal));
        // Fired again (the other node, a restart): still missed, nothing sent, no second notice.
        Assert.Null(await Runner.FireAsync(campaign.Id, "node-b", default));
        Assert.Single(_h.Notices());
    }
}
