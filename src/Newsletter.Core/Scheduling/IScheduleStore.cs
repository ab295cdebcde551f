using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Scheduling;

/// <summary>An issue an editor marked ready for the recurring plans, with the source text as it was then.</summary>
public sealed record ReadyIssue(long Id, string IssueKey, string Title, string SourcePath, string SourceText, DateTimeOffset ReadyAt);

/// <summary>
/// A recurring plan: at each firing of <see cref="Cron"/> (in <see cref="TimeZone"/>), publish the newest ready issue not
/// yet sent to <see cref="Segments"/> (narrowed by <see cref="Tags"/>).
/// </summary>
/// <param name="Cron">A Quartz cron expression, seconds first (<c>0 0 9 ? * MON</c>).</param>
public sealed record SchedulePlan(long Id, string Cron, IReadOnlyList<string> Segments, string TimeZone, DateTimeOffset CreatedAt)
{
    /// <summary>The district and industry filter each firing's campaign gets; <see cref="AudienceTags.None"/> for whole segments.</summary>
    public AudienceTags Tags { get; init; } = AudienceTags.None;
}

/// <summary>What became of one firing.</summary>
public enum FiringOutcome
{
    /// <summary>The campaign was started (or resumed after recovery).</summary>
    Started,

    /// <summary>Too late (beyond the misfire grace): not sent, the editors were told.</summary>
    Missed,

    /// <summary>A plan found no ready issue it had not sent: the editors were told.</summary>
    NothingToSend,

    /// <summary>The firing could not do its work (e.g. the ready issue no longer validates); the editors were told.</summary>
    Failed,
}

/// <summary>Whether a plan fired or a scheduled campaign started: one row per target and planned time.</summary>
public sealed record Firing(long Id, string Kind, long TargetId, DateTimeOffset FireTime, DateTimeOffset FiredAt, string Node,
    FiringOutcome Outcome, long? CampaignId, string? Detail)
{
    public const string CampaignKind = "campaign";
    public const string PlanKind = "plan";
}

/// <summary>
/// The scheduling tables (ready issues, plans, firings, reports) and the scheduling transitions of campaigns.
/// Declared here, implemented in Newsletter.Data. Every transition is one conditional
/// statement, so two nodes racing for the same firing cannot both win.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Campaigns in state <c>scheduled</c>, earliest first.</summary>
    Task<IReadOnlyList<Campaign>> ListScheduledAsync(CancellationToken ct = default);

    /// <summary>Campaigns in state <c>running</c> with a row due now (pending, or deferred and due) that nobody leases.</summary>
    Task<IReadOnlyList<long>> ListResumableAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>scheduled → <paramref name="to"/> if the campaign is still scheduled for exactly <paramref name="scheduledAt"/>; false when someone else moved, cancelled or started it.</summary>
    Task<bool> TryLeaveScheduledAsync(long campaignId, DateTimeOffset scheduledAt, CampaignState to, string? reason, CancellationToken ct = default);

    /// <summary>Moves a scheduled campaign; false when it is not (or no longer) scheduled.</summary>
    Task<bool> TryMoveAsync(long campaignId, DateTimeOffset scheduledAt, CancellationToken ct = default);

    /// <summary>Marks an issue ready (or refreshes its text when it already is).</summary>
    Task<ReadyIssue> MarkReadyAsync(string issueKey, string title, string sourcePath, string sourceText, CancellationToken ct = default);

    /// <summary>Ready issues, newest first.</summary>
    Task<IReadOnlyList<ReadyIssue>> ListReadyAsync(CancellationToken ct = default);

    Task<SchedulePlan> AddPlanAsync(string cron, IReadOnlyList<string> segments, AudienceTags tags, string timeZone, CancellationToken ct = default);

    Task<IReadOnlyList<SchedulePlan>> ListPlansAsync(CancellationToken ct = default);

    Task<SchedulePlan?> GetPlanAsync(long id, CancellationToken ct = default);

    /// <returns>False when no such plan exists.</returns>
    Task<bool> RemovePlanAsync(long id, CancellationToken ct = default);

    /// <summary>Records a firing unless one exists for the same kind, target and fire time.</summary>
    /// <returns>The new firing, or null when this time was already fired (by this node or another).</returns>
    Task<Firing?> TryRecordFiringAsync(string kind, long targetId, DateTimeOffset fireTime, string node, FiringOutcome outcome,
        long? campaignId, string? detail, CancellationToken ct = default);

    Task<Firing?> FindFiringAsync(string kind, long targetId, DateTimeOffset fireTime, CancellationToken ct = default);

    Task UpdateFiringAsync(long firingId, FiringOutcome outcome, long? campaignId, string? detail, CancellationToken ct = default);

    /// <summary>Firings, newest first (for <c>schedule list</c> and tests).</summary>
    Task<IReadOnlyList<Firing>> ListFiringsAsync(int limit, CancellationToken ct = default);

    /// <summary>Claims the right to send the report of a campaign: true exactly once per campaign, across nodes.</summary>
    Task<bool> TryClaimReportAsync(long campaignId, DateTimeOffset now, CancellationToken ct = default);
}
