using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Core.Tests.Scheduling;

public sealed class PlanRunnerTests
{
    // Every Monday 09:00 in Shanghai = Monday 01:00 UTC.
    private static readonly SchedulePlan Weekly = new(1, "0 0 9 ? * MON", ["municipal"], "Asia/Shanghai",
        new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_on_time_firing_stands_for_its_own_time()
    {
        var monday = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(monday, PlanRunner.PlannedTime(Weekly, monday));
    }

    [Fact]
    public void A_misfire_fired_late_stands_for_the_last_planned_time_before_it()
    {
        // The host came back on Wednesday: the one catch-up firing is for Monday's 09:00, not Wednesday's now.
        var wednesday = new DateTimeOffset(2026, 12, 2, 6, 33, 12, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), PlanRunner.PlannedTime(Weekly, wednesday));
    }

    [Fact]
    public void Cron_expressions_are_checked_with_a_hint()
    {
        var e = Assert.Throws<ScheduleRejectedException>(() => CampaignScheduler.ParseCron("every monday"));
        Assert.Contains("every monday", e.Message, StringComparison.Ordinal);
        Assert.Contains("0 0 9 ? * MON", e.Hint, StringComparison.Ordinal);
        Assert.NotNull(CampaignScheduler.ParseCron("0 0 9 ? * MON"));
    }

    [Fact]
    public void A_report_counts_each_segment_and_lists_failures()
    {
        var campaign = new Campaign(7, "2026-01", "许昌竞争情报快递", ["municipal", "county"], CampaignState.Completed, null, null,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "x.md");
        var notice = CampaignReporter.Build(campaign,
            [new VariantCounts("municipal", 0, 10, 0, 1, 2), new VariantCounts("county", 0, 5, 0, 0, 0)],
            [new RecipientFailure("bad@example.org", "municipal", OutboxStatus.Failed, 1, "550 no such user")]);
        Assert.Contains("15/18 delivered, 1 failed", notice.Subject, StringComparison.Ordinal);
        Assert.Contains("municipal: 13, 10, 2, 1, 0", notice.Lines);
        Assert.Contains("county: 5, 5, 0, 0, 0", notice.Lines);
        Assert.Contains(notice.Lines, l => l.Contains("bad@example.org", StringComparison.Ordinal) && l.Contains("550", StringComparison.Ordinal));
    }
}
