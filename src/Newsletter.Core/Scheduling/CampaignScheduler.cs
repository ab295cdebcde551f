using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Quartz;
using Newsletter.Core.Campaigns;
using Newsletter.Core;

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
        : ScheduleTime.FindZone(id) ?? throw new ScheduleRejectedException($"unknown time zone '{id}'", "use an IANA id such as Asia/Shanghai or UTC");

    /// <summary>Parses a planned time and requires it to lie in the future.</summary>
    /// <exception cref="ScheduleRejectedException">Unparseable or not in the future.</exception>
    public DateTimeOffset FutureTime(string? text, TimeZoneInfo zone)
    {
        var at = ScheduleTime.TryParse(text, zone, out var error)
            ?? throw new ScheduleRejectedException($"--at: {error}", "give the time as 2026-11-30 09:00 or 2026-11-30T09:00+08:00");
        var now = time.GetUtcNow();
        if (at <= now)
        {
            throw new ScheduleRejectedException($"--at {ScheduleTime.Show(at, zone)} is in the past (now it is {ScheduleTime.Show(now, zone)})",
                "give a time in the future, or send it now with `newsletter publish`");
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
            throw new ScheduleRejectedException($"{ScheduleTime.Show(at, Zone)} is in the past", "give a time in the future");
        }
        var prepared = await publisher.PrepareAsync(path, segments, tags, CampaignState.Scheduled, at, overrides, ct);
        if (!prepared.Created)
        {
            var c = prepared.Campaign;
            throw new ScheduleRejectedException(
                $"campaign {c.Id} of this issue for {string.Join(",", c.Segments)}{(c.Tags.IsEmpty ? "" : " (" + c.Tags.Describe() + ")")} already exists ({Word(c.State)}{(c.ScheduledAt is { } s ? ", " + ScheduleTime.Show(s, Zone) : "")})",
                c.State == CampaignState.Scheduled ? $"move it with `newsletter schedule move {c.Id} --at …` or cancel it first" : "it cannot be scheduled twice; cancel it first to start anew");
        }
        return prepared.Campaign;
    }

    /// <summary>Cancels a scheduled campaign.</summary>
    /// <exception cref="ScheduleRejectedException">No such campaign, or it is not scheduled (any more).</exception>
    public async Task<Campaign> CancelAsync(long id, CancellationToken ct)
    {
        var campaign = await ScheduledAsync(id, "cancelled", ct);
        if (!await store.TryLeaveScheduledAsync(id, campaign.ScheduledAt!.Value, CampaignState.Cancelled, "cancelled by an editor", ct))
        {
            throw new ScheduleRejectedException($"campaign {id} started or changed meanwhile", "run `newsletter schedule list` and try again");
        }
        return (await campaigns.GetAsync(id, ct))!;
    }

    /// <summary>Moves a scheduled campaign to <paramref name="at"/>.</summary>
    public async Task<Campaign> MoveAsync(long id, DateTimeOffset at, CancellationToken ct)
    {
        await ScheduledAsync(id, "moved", ct);
        if (at <= time.GetUtcNow())
        {
            throw new ScheduleRejectedException($"{ScheduleTime.Show(at, Zone)} is in the past", "give a time in the future");
        }
        if (!await store.TryMoveAsync(id, at, ct))
        {
            throw new ScheduleRejectedException($"campaign {id} started or changed meanwhile", "run `newsletter schedule list` and try again");
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
            throw new ScheduleRejectedException("a plan needs --segments", "name them: --segments municipal,county");
        }
        var segments = IssuePublisher.ResolveSegments(segmentNames, await subscribers.ListSegmentsAsync(ct));
        if (PlanRecurrence.NextFirings(cron, zone, time.GetUtcNow(), 1).Count == 0)
        {
            throw new ScheduleRejectedException($"\"{cron}\" never fires again", "give a cron expression with future times");
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
        return result.Error is { } error ? throw new ScheduleRejectedException(error.Message, error.Hint) : result.Cron!;
    }

    /// <summary>Parses a cron expression: Quartz (seconds first) or 5-field Unix, converted.</summary>
    /// <exception cref="ScheduleRejectedException">It does not parse.</exception>
    public static CronExpression ParseCron(string? cron) => CronExpression.Parse(Recurrence(new PlanInput(Cron: cron ?? "")));

    public static string Word(CampaignState state) => state.ToString().ToLowerInvariant();

    private async Task<Campaign> ScheduledAsync(long id, string verb, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(id, ct)
            ?? throw new ScheduleRejectedException($"there is no campaign {id}", "see `newsletter schedule list` for the scheduled ones");
        if (campaign.State != CampaignState.Scheduled || campaign.ScheduledAt is null)
        {
            throw new ScheduleRejectedException($"campaign {id} is {Word(campaign.State)}; only a scheduled campaign can be {verb}",
                "see `newsletter schedule list` for the scheduled ones");
        }
        return campaign;
    }
}
