using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Core.Campaigns;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>
/// Tag filters through scheduling, on both engines: a scheduled campaign and a recurring plan keep their districts and
/// industries until they fire and send only to the matching active subscribers; a filter that selects nobody is refused.
/// </summary>
public abstract class ScheduledCampaignTagsTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    // Monday 2026-11-30 09:00 in Shanghai.
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await SchedulingHarness.CreateAsync(new TDatabase());
        var store = _h.Get<ISubscriberStore>();
        // Next to the harness's untagged subscribers: tagged ones, one of them unsubscribed.
        await store.AddAsync(new SubscriberDraft("yuzhou@example.org", "禹州甲", null, null, [Segments.Enterprise], "禹州市", ["发制品"]));
        await store.AddAsync(new SubscriberDraft("yuzhou2@example.org", "禹州乙", null, null, [Segments.County], "禹州市", ["新材料"]));
        await store.AddAsync(new SubscriberDraft("changge@example.org", "长葛丙", null, null, [Segments.Enterprise], "长葛市", ["发制品"]));
        await store.AddAsync(new SubscriberDraft("left@example.org", "禹州丁", null, null, [Segments.Enterprise], "禹州市", ["发制品"],
            SubscriberStatus.Unsubscribed));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_scheduled_campaign_keeps_its_tags_and_sends_to_the_matching_subscribers_when_it_fires()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        var at = SchedulingHarness.Start.AddHours(1);
        var tags = await _h.Get<IssuePublisher>().ResolveTagsAsync(["禹州市"], [], default);
        var campaign = await scheduler.ScheduleAsync(_h.Issue("issue-a"), ["county", "enterprise"], tags, at, default);
        Assert.Equal(tags, campaign.Tags);
        Assert.Equal(tags, Assert.Single(await _h.Get<IScheduleStore>().ListScheduledAsync()).Tags);

        _h.Clock.Set(at.AddSeconds(1));
        Assert.Equal(FiringOutcome.Started, await _h.Get<ScheduledCampaignRunner>().FireAsync(campaign.Id, "node-a", default));
        Assert.Equal(["yuzhou2@example.org", "yuzhou@example.org"], _h.Sent(campaign.Id));
        var done = (await _h.Get<ICampaignStore>().GetAsync(campaign.Id))!;
        Assert.Equal(CampaignState.Completed, done.State);
        Assert.Equal(["禹州市"], done.Tags.Districts);

        // The same issue and segments without tags is another campaign, to the whole segments.
        var whole = await scheduler.ScheduleAsync(_h.Issue("issue-a"), ["county", "enterprise"], at.AddHours(1), default);
        Assert.NotEqual(campaign.Id, whole.Id);
        Assert.True(whole.Tags.IsEmpty);
        await Assert.ThrowsAsync<ScheduleRejectedException>(() =>
            scheduler.ScheduleAsync(_h.Issue("issue-a"), ["county", "enterprise"], AudienceTags.Of(["禹州市"], null), at.AddHours(2), default));
    }

    [Fact]
    public async Task Tags_that_select_nobody_schedule_nothing()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        var e = await Assert.ThrowsAsync<EmptyAudienceException>(() => scheduler.ScheduleAsync(_h.Issue("issue-a"), ["municipal"],
            AudienceTags.Of(["禹州市"], ["发制品"]), SchedulingHarness.Start.AddHours(1), default));
        Assert.Contains("0 recipients", e.Message, StringComparison.Ordinal);
        Assert.Empty(await _h.Get<ICampaignStore>().ListAsync());
    }

    [Fact]
    public async Task A_plan_keeps_its_tags_and_each_firing_publishes_with_them()
    {
        var scheduler = _h.Get<CampaignScheduler>();
        await scheduler.MarkReadyAsync(_h.Issue("issue-a"), default);
        var tags = AudienceTags.Of(null, ["发制品"]);
        var plan = await scheduler.AddPlanAsync("0 0 9 ? * MON", ["enterprise"], tags, scheduler.Zone, default);
        Assert.Equal(tags, plan.Tags);
        Assert.Equal(tags, (await _h.Get<IScheduleStore>().GetPlanAsync(plan.Id))!.Tags);
        Assert.Equal(tags, Assert.Single(await _h.Get<IScheduleStore>().ListPlansAsync()).Tags);

        _h.Clock.Set(Monday.AddSeconds(1));
        Assert.Equal(FiringOutcome.Started, await _h.Get<PlanRunner>().FireAsync(plan.Id, Monday, recovering: false, "node-a", default));
        var campaign = Assert.Single(await _h.Get<ICampaignStore>().ListAsync());
        Assert.Equal(tags, campaign.Tags);
        Assert.Equal(["changge@example.org", "yuzhou@example.org"], _h.Sent(campaign.Id));

        // The issue went to the plan's audience: the next firing finds nothing left to send.
        var next = Monday.AddDays(7);
        _h.Clock.Set(next);
        Assert.Equal(FiringOutcome.NothingToSend, await _h.Get<PlanRunner>().FireAsync(plan.Id, next, recovering: false, "node-a", default));
    }
}

public sealed class SqliteScheduledCampaignTagsTests : ScheduledCampaignTagsTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresScheduledCampaignTagsTests : ScheduledCampaignTagsTests<PostgresTestDatabase>;
