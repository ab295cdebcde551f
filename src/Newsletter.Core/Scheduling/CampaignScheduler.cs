using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Quartz;
using Newsletter.Core.Campaigns;
using Newsletter.Core;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Scheduling;

/// <summary>A scheduling request the editor must correct; nothing was scheduled or changed. <see cref="UserFacingException.Hint"/> says how.</summary>
public sealed class ScheduleRejectedException(string message, string hint) : UserFacingException(message, hint);

/// <summary>
/// The editors' side of scheduling, used by the <c>schedule</c> and <c>issue ready</c> commands: schedule an issue,
/// cancel or move a scheduled campaign, mark issues ready, manage recurring plans. Writes the tables only; a running
/// <c>serve</c> picks the changes up (<see cref="ScheduleSync"/>).
/// </summary>
public sealed class CampaignScheduler(IssuePublisher publisher, ICampaignStore campaigns, IScheduleStore store,
    ISubscriberStore subscribers, SchedulingOptions options, TimeProvider time)
{
    private readonly SchedulingOptions _options = options;

    /// <summary>The configured zone (<c>Scheduling:TimeZone</c>).</summary>
    public TimeZoneInfo Zone => _options.Zone();

    /// <summary>Resolves an explicit <c>--tz</c>, or the configured zone.</summary>
    /// <exception cref="ScheduleRejectedException">The id names no zone.</exception>
    public TimeZoneInfo ZoneFor(string? id) => id is null
        ? Zone
        : ScheduleTime.FindZone(id) ?? throw new ScheduleRejectedException(Texts.Format("core.schedule.unknown_zone", id), Texts.Get("core.schedule.unknown_zone_hint"));

    /// <summary>Parses a planned time and requires it to lie in the future.</summary>
    /// <exception cref="ScheduleRejectedException">Unparseable or not in the future.</exception>
    public DateTimeOffset FutureTime(string? text, TimeZoneInfo zone)
    {
        var at = ScheduleTime.TryParse(text, zone, out var error)
            ?? throw new ScheduleRejectedException($"--at: {error}", Texts.Get("core.schedule.at_hint"));
        var now = time.GetUtcNow();
        if (at <= now)
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.at_in_past", ScheduleTime.Show(at, zone), ScheduleTime.Show(now, zone)),
                Texts.Get("core.schedule.at_in_past_hint"));
        }
        return at;
    }

    /// <summary>Creates the campaign of <paramref name="path"/> for whole segments; see the overload with tags.</summary>
    public Task<Campaign> ScheduleAsync(string path, IReadOnlyList<string>? segments, DateTimeOffset at, CancellationToken ct) =>
        ScheduleAsync(path, segments, AudienceTags.None, at, ct);

    /// <summary>
    /// Creates the campaign of <paramref name="path"/> in state <c>scheduled</c> for <paramref name="at"/>. Its outbox is
    /// written now, for the segments narrowed by <paramref name="tags"/>, and the tags are stored with the campaign.
    /// </summary>
    /// <exception cref="ScheduleRejectedException">The time is past, or a campaign of this issue for these segments and tags exists.</exception>
    /// <exception cref="IssueRejectedException">The issue has mistakes.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    /// <exception cref="EmptyAudienceException">The tags select no active subscriber.</exception>
    public Task<Campaign> ScheduleAsync(string path, IReadOnlyList<string>? segments, AudienceTags tags, DateTimeOffset at, CancellationToken ct) =>
        ScheduleAsync(path, segments, tags, at, IssueOverrides.None, ct);

    /// <summary>As the overload without overrides, with the operator's 期号 and date applied to the issue.</summary>
    /// <exception cref="SampleIssueRefusedException">A real send of an unfinished issue to real readers.</exception>
    public async Task<Campaign> ScheduleAsync(string path, IReadOnlyList<string>? segments, AudienceTags tags, DateTimeOffset at,
        IssueOverrides overrides, CancellationToken ct)
    {
        if (at <= time.GetUtcNow())
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.in_past", ScheduleTime.Show(at, Zone)), Texts.Get("core.schedule.in_past_hint"));
        }
        var prepared = await publisher.PrepareAsync(path, segments, tags, CampaignState.Scheduled, at, overrides, ct);
        if (!prepared.Created)
        {
            var c = prepared.Campaign;
            throw new ScheduleRejectedException(
                Texts.Format("core.schedule.exists", c.Id, string.Join(",", c.Segments) + (c.Tags.IsEmpty ? "" : " (" + c.Tags.Describe() + ")"),
                    CampaignLifecycle.Shown(c.State) + (c.ScheduledAt is { } s ? ", " + ScheduleTime.Show(s, Zone) : "")),
                c.State == CampaignState.Scheduled ? Texts.Format("core.schedule.exists_move_hint", c.Id) : Texts.Get("core.schedule.exists_hint"));
        }
        return prepared.Campaign;
    }

    /// <summary>Cancels a scheduled campaign.</summary>
    /// <exception cref="ScheduleRejectedException">No such campaign, or it is not scheduled (any more).</exception>
    public async Task<Campaign> CancelAsync(long id, CancellationToken ct)
    {
        var campaign = await ScheduledAsync(id, Texts.Get("core.schedule.verb_cancelled"), ct);
        if (!await store.TryLeaveScheduledAsync(id, campaign.ScheduledAt!.Value, CampaignState.Cancelled, Texts.Get("core.campaign.unscheduled"), ct))
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.changed_meanwhile", id), Texts.Get("core.schedule.changed_meanwhile_hint"));
        }
        return (await campaigns.GetAsync(id, ct))!;
    }

    /// <summary>Moves a scheduled campaign to <paramref name="at"/>.</summary>
    public async Task<Campaign> MoveAsync(long id, DateTimeOffset at, CancellationToken ct)
    {
        await ScheduledAsync(id, Texts.Get("core.schedule.verb_moved"), ct);
        if (at <= time.GetUtcNow())
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.in_past", ScheduleTime.Show(at, Zone)), Texts.Get("core.schedule.in_past_hint"));
        }
        if (!await store.TryMoveAsync(id, at, ct))
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.changed_meanwhile", id), Texts.Get("core.schedule.changed_meanwhile_hint"));
        }
        return (await campaigns.GetAsync(id, ct))!;
    }

    /// <summary>Validates the issue and marks it ready for the recurring plans.</summary>
    /// <exception cref="IssueRejectedException">The issue has mistakes.</exception>
    public async Task<ReadyIssue> MarkReadyAsync(string path, CancellationToken ct)
    {
        var (issue, _, text) = await publisher.LoadAsync(path, ct);
        return await store.MarkReadyAsync(IssuePublisher.IssueKey(issue, path), issue.Subject, Path.GetFullPath(path), text, ct);
    }

    /// <summary>Adds a recurring plan for whole segments.</summary>
    public Task<SchedulePlan> AddPlanAsync(string cron, IReadOnlyList<string> segmentNames, TimeZoneInfo zone, CancellationToken ct) =>
        AddPlanAsync(cron, segmentNames, AudienceTags.None, zone, ct);

    /// <summary>Adds a recurring plan whose campaigns target <paramref name="segmentNames"/> narrowed by <paramref name="tags"/>.</summary>
    /// <param name="cron">A Quartz cron (stored as is) or a 5-field Unix cron (stored converted); see <see cref="PlanRecurrence.ParseCron"/>.</param>
    /// <exception cref="ScheduleRejectedException">The cron does not parse or never fires again, or no segment was given.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    public Task<SchedulePlan> AddPlanAsync(string cron, IReadOnlyList<string> segmentNames, AudienceTags tags, TimeZoneInfo zone, CancellationToken ct) =>
        AddPlanAsync(new PlanInput(Cron: cron), segmentNames, tags, zone, ct);

    /// <summary>Adds a recurring plan given in words or as a cron (<see cref="PlanInput"/>); the Quartz cron is stored.</summary>
    /// <exception cref="ScheduleRejectedException">The words or the cron are not understood, never fire again, or no segment was given.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    public async Task<SchedulePlan> AddPlanAsync(PlanInput input, IReadOnlyList<string> segmentNames, AudienceTags tags, TimeZoneInfo zone, CancellationToken ct)
    {
        var cron = Recurrence(input);
        if (segmentNames.Count == 0)
        {
            throw new ScheduleRejectedException(Texts.Get("core.schedule.plan_no_segments"), Texts.Get("core.schedule.plan_no_segments_hint"));
        }
        var segments = IssuePublisher.ResolveSegments(segmentNames, await subscribers.ListSegmentsAsync(ct));
        if (PlanRecurrence.NextFirings(cron, zone, time.GetUtcNow(), 1).Count == 0)
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.never_fires", cron), Texts.Get("core.schedule.never_fires_hint"));
        }
        return await store.AddPlanAsync(cron, segments, tags, zone.Id, ct);
    }

    /// <summary>The next time a plan fires after now, or null.</summary>
    public DateTimeOffset? NextFiring(SchedulePlan plan) => NextFirings(plan, 1) is [var next, ..] ? next : null;

    /// <summary>The next <paramref name="count"/> times a plan fires after now, in its zone (fewer when it stops).</summary>
    public IReadOnlyList<DateTimeOffset> NextFirings(SchedulePlan plan, int count) =>
        PlanRecurrence.NextFirings(plan.Cron, PlanZone(plan), time.GetUtcNow(), count);

    /// <summary>The zone a plan's cron is read in: its own, or the configured one when this machine does not know it.</summary>
    public TimeZoneInfo PlanZone(SchedulePlan plan) => ScheduleTime.FindZone(plan.TimeZone) ?? Zone;

    /// <summary>The Quartz cron of what the editor typed (<see cref="PlanRecurrence.Parse"/>).</summary>
    /// <exception cref="ScheduleRejectedException">It is not understood; the message says what and how to fix it.</exception>
    public static string Recurrence(PlanInput input)
    {
        var result = PlanRecurrence.Parse(input);
        return result.Error is { } error ? throw Rejected(error) : result.Cron!;
    }

    /// <summary>The refusal in the run's language: the parser's English, or the web picker's sentence (what and how in one).</summary>
    private static ScheduleRejectedException Rejected(PlanRecurrenceError error) => Texts.IsEnglish
        ? new(error.Message, error.Hint)
        : new(error.Localized(), "");

    /// <summary>Parses a cron expression: Quartz (seconds first) or 5-field Unix, converted.</summary>
    /// <exception cref="ScheduleRejectedException">It does not parse.</exception>
    public static CronExpression ParseCron(string? cron) => CronExpression.Parse(Recurrence(new PlanInput(Cron: cron ?? "")));

    public static string Word(CampaignState state) => state.ToString().ToLowerInvariant();

    private async Task<Campaign> ScheduledAsync(long id, string verb, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(id, ct)
            ?? throw new ScheduleRejectedException(Texts.Format("core.campaign.not_found", id), Texts.Get("core.schedule.see_list_hint"));
        if (campaign.State != CampaignState.Scheduled || campaign.ScheduledAt is null)
        {
            throw new ScheduleRejectedException(Texts.Format("core.schedule.not_scheduled", id, CampaignLifecycle.Shown(campaign.State), verb),
                Texts.Get("core.schedule.see_list_hint"));
        }
        return campaign;
    }
}
