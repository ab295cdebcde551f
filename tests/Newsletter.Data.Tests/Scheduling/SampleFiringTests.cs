using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>
/// A 样刊 scheduled while the pickup folder was configured is checked again when it fires: over SMTP it is not sent to
/// real readers; the campaign is cancelled with the reason (a paused one could be resumed) and the editors are told.
/// </summary>
public sealed class SampleFiringTests : IAsyncLifetime
{
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulingHarness.CreateAsync(new SqliteTestDatabase());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>The harness's runner, but deciding as a host configured for SMTP would (its notices still go to the pickup folder).</summary>
    private ScheduledCampaignRunner SmtpRunner() => new(_h.Get<ICampaignStore>(), _h.Get<IScheduleStore>(), _h.Get<CampaignSender>(),
        _h.Get<CampaignReporter>(), _h.Get<EditorNotifier>(), _h.Get<SchedulingOptions>(), _h.Get<DeliveryOptions>(), _h.Clock,
        NullLogger<ScheduledCampaignRunner>.Instance, new SendPolicy(new DeliveryOptions { Transport = TransportKind.Smtp }));

    [Fact]
    public async Task A_sample_scheduled_for_real_readers_is_cancelled_at_its_firing_over_smtp()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var campaign = await _h.Get<CampaignScheduler>().ScheduleAsync(_h.Issue("sample-a"), ["municipal"], at, default);

        _h.Clock.Set(at.AddSeconds(1));
        Assert.Equal(FiringOutcome.Failed, await SmtpRunner().FireAsync(campaign.Id, "node-a", default));

        Assert.Empty(_h.Sent(campaign.Id));
        var refused = (await _h.Get<ICampaignStore>().GetAsync(campaign.Id))!;
        Assert.Equal(CampaignState.Cancelled, refused.State);
        Assert.Contains("sample", refused.StateReason, StringComparison.Ordinal);
        Assert.Contains(_h.Notices(), n => n.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finished_issue_fires_over_the_same_policy()
    {
        var at = SchedulingHarness.Start.AddHours(1);
        var path = _h.Issue("finished");
        File.WriteAllText(path, File.ReadAllText(path).Replace("sample: true", "number: 2024年第9期\ndate: 2024-09-15", StringComparison.Ordinal));
        var campaign = await _h.Get<CampaignScheduler>().ScheduleAsync(path, ["municipal"], at, default);

        _h.Clock.Set(at.AddSeconds(1));
        Assert.Equal(FiringOutcome.Started, await SmtpRunner().FireAsync(campaign.Id, "node-a", default));
        Assert.Equal(["li@example.org", "wang@example.org"], _h.Sent(campaign.Id));
    }
}
