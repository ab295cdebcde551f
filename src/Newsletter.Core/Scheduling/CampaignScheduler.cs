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
    /// <exception cref="ScheduleRejectedException">The cron does not parse, or no segment was given.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    public async Task<SchedulePlan> AddPlanAsync(string cron, IReadOnlyList<string> segmentNames, AudienceTags tags, TimeZoneInfo zone, CancellationToken ct)
    {
        var expression = ParseCron(cron);
        if (segmentNames.Count == 0)
        {
            throw new ScheduleRejectedException("a plan needs --segments", "name them: --segments municipal,county");
        }
        var segments = IssuePublisher.ResolveSegments(segmentNames, await subscribers.ListSegmentsAsync(ct));
        if (expression.WithTimeZone(zone).GetNextValidTimeAfter(time.GetUtcNow()) is null)
        {
            throw new ScheduleRejectedException($"--cron \"{cron}\" never fires again", "give a cron expression with future times");
        }
        return await store.AddPlanAsync(cron.Trim(), segments, tags, zone.Id, ct);
    }

    /// <summary>The next time a plan fires after now, or null.</summary>
    public DateTimeOffset? NextFiring(SchedulePlan plan) =>
        CronExpression.TryParse(plan.Cron, out var cron) && cron is not null
            ? cron.WithTimeZone(ScheduleTime.FindZone(plan.TimeZone) ?? Zone).GetNextValidTimeAfter(time.GetUtcNow())
            : null;

    /// <summary>Parses a Quartz cron expression (seconds first).</summary>
    /// <exception cref="ScheduleRejectedException">It does not parse.</exception>
    public static CronExpression ParseCron(string? cron)
    {
        try
        {
            return CronExpression.Parse((cron ?? "").Trim());
        }
        catch (FormatException e)
        {
            throw new ScheduleRejectedException($"--cron \"{cron}\" is not a valid cron expression: {e.Message}",
                "use Quartz syntax, seconds first: \"0 0 9 ? * MON\" is every Monday at 09:00");
        }
    }

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
