using Newsletter.Core.Delivery;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Campaigns;

/// <summary>What is done to a campaign's state, and by whom (<see cref="CampaignLifecycle.Transitions"/>).</summary>
public enum CampaignAction
{
    /// <summary>An administrator stops the sending for now (CLI <c>campaigns pause</c>, the web's 暂停).</summary>
    Pause,

    /// <summary>An administrator continues a paused, interrupted, scheduled or missed campaign now.</summary>
    Resume,

    /// <summary>An administrator ends a campaign for good; nothing more is sent.</summary>
    Cancel,

    /// <summary>An administrator queues the failed recipients again and sends them.</summary>
    RetryFailed,

    /// <summary>The sender begins a run (publish continuing its campaign, a resume, a firing, <c>serve</c>'s delivery round).</summary>
    Start,

    /// <summary>The sender found nothing left to send after a run that nobody stopped.</summary>
    Complete,

    /// <summary>The sender pauses the campaign itself: errors in a row, a configuration fault, an operator's Ctrl-C, a crashed run.</summary>
    Halt,

    /// <summary>The scheduler starts a scheduled campaign at its time.</summary>
    Fire,

    /// <summary>The scheduler finds a firing later than the misfire grace.</summary>
    Miss,

    /// <summary>The scheduler finds at the firing that the issue may not go out (<see cref="SendPolicy"/>).</summary>
    Refuse,
}

/// <summary>Who may ask for a <see cref="CampaignAction"/>.</summary>
public enum CampaignActor
{
    Administrator,
    Sender,
    Scheduler,
}

/// <summary>One row of the lifecycle: <see cref="Action"/> by <see cref="By"/> takes a campaign from any of <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record CampaignTransition(CampaignAction Action, CampaignActor By, IReadOnlyList<CampaignState> From, CampaignState To);

/// <summary>How a <see cref="CampaignLifecycle"/> request ended.</summary>
public enum CampaignAnswerKind
{
    /// <summary>The state changed as asked.</summary>
    Done,

    /// <summary>Nothing to do, and nothing wrong (resuming a completed campaign, retrying when nothing failed).</summary>
    Unchanged,

    /// <summary>The campaign's state does not allow the action (the table says no, or the state changed meanwhile).</summary>
    NotAllowed,

    /// <summary>The send policy refuses it: an unfinished issue (样刊, no 期号 or date) to real readers over SMTP.</summary>
    Refused,

    /// <summary>There is no such campaign.</summary>
    NotFound,
}

/// <summary>
/// The answer to an administrator's request, the same for every host: the CLI prints <see cref="Message"/> and
/// <see cref="Hint"/>, the web shows its own words for <see cref="Kind"/> (and the policy's reason for <see cref="CampaignAnswerKind.Refused"/>).
/// </summary>
/// <param name="From">The state found (null when not found).</param>
/// <param name="To">The state now: the new one when <see cref="CampaignAnswerKind.Done"/>, else the one found.</param>
/// <param name="Remaining">Messages not yet done (pending or deferred) when the answer was given.</param>
public sealed record CampaignAnswer(CampaignAnswerKind Kind, long CampaignId, CampaignAction Action, CampaignState? From, CampaignState? To,
    string Message, string? Hint = null, int Remaining = 0)
{
    public bool Succeeded => Kind is CampaignAnswerKind.Done or CampaignAnswerKind.Unchanged;

    /// <summary>Throws <see cref="CampaignRefusedException"/> unless the request <see cref="Succeeded"/>.</summary>
    public CampaignAnswer ThrowIfRefused() => Succeeded ? this : throw new CampaignRefusedException(this);
}

/// <summary>An administrator's request on a campaign was refused; <see cref="Answer"/> says why.</summary>
public sealed class CampaignRefusedException(CampaignAnswer answer) : UserFacingException(answer.Message, answer.Hint)
{
    public CampaignAnswer Answer { get; } = answer;
}

/// <summary>
/// The one home of the campaign state rules: which state may go to which, on whose action (<see cref="Transitions"/>),
/// and the administrator's requests (pause, resume, cancel, retry the failed) that the CLI and the web only adapt.
/// Every change is conditional in the store (<see cref="ICampaignStore.TrySetStateAsync"/>), so a change another writer
/// made a moment earlier — a cancel just before the end of a run — is never overwritten.
/// </summary>
/// <remarks>
/// The scheduler's rows (<see cref="CampaignAction.Fire"/>, <see cref="CampaignAction.Miss"/>, <see cref="CampaignAction.Refuse"/>)
/// are carried out by <c>IScheduleStore.TryLeaveScheduledAsync</c>, which also requires the planned time to be unchanged.
/// </remarks>
public sealed class CampaignLifecycle(ICampaignStore campaigns, SendPolicy policy)
{
    private static readonly CampaignState[] Live = [CampaignState.Scheduled, CampaignState.Running, CampaignState.Paused, CampaignState.Missed];

    /// <summary>Every allowed change of state. Completed and cancelled are final except that a retry reopens a completed campaign.</summary>
    public static IReadOnlyList<CampaignTransition> Transitions { get; } =
    [
        new(CampaignAction.Pause, CampaignActor.Administrator, [CampaignState.Scheduled, CampaignState.Running], CampaignState.Paused),
        // Running too: a campaign whose sender died (killed, crashed) is still running; resuming continues it through the outbox.
        new(CampaignAction.Resume, CampaignActor.Administrator, Live, CampaignState.Running),
        new(CampaignAction.Cancel, CampaignActor.Administrator, Live, CampaignState.Cancelled),
        new(CampaignAction.RetryFailed, CampaignActor.Administrator,
            [CampaignState.Running, CampaignState.Paused, CampaignState.Missed, CampaignState.Completed], CampaignState.Running),
        new(CampaignAction.Start, CampaignActor.Sender, Live, CampaignState.Running),
        new(CampaignAction.Complete, CampaignActor.Sender, [CampaignState.Running], CampaignState.Completed),
        new(CampaignAction.Halt, CampaignActor.Sender, [CampaignState.Running], CampaignState.Paused),
        new(CampaignAction.Fire, CampaignActor.Scheduler, [CampaignState.Scheduled], CampaignState.Running),
        new(CampaignAction.Miss, CampaignActor.Scheduler, [CampaignState.Scheduled], CampaignState.Missed),
        new(CampaignAction.Refuse, CampaignActor.Scheduler, [CampaignState.Scheduled], CampaignState.Cancelled),
    ];

    /// <summary>The row of <paramref name="action"/>.</summary>
    public static CampaignTransition Of(CampaignAction action) => Transitions.Single(t => t.Action == action);

    /// <summary>Whether <paramref name="action"/> may be taken on a campaign in <paramref name="state"/>.</summary>
    public static bool Allows(CampaignAction action, CampaignState state) => Of(action).From.Contains(state);

    /// <summary>Carries out <paramref name="action"/> if the campaign's state allows it now (one conditional statement).</summary>
    /// <returns>True when the state changed.</returns>
    public static Task<bool> TryAsync(ICampaignStore store, long campaignId, CampaignAction action, string? reason, CancellationToken ct = default)
    {
        var transition = Of(action);
        return store.TrySetStateAsync(campaignId, transition.From, transition.To, reason, ct);
    }

    /// <summary>Pauses the campaign; a sender running anywhere stops after its current messages.</summary>
    public Task<CampaignAnswer> PauseAsync(long campaignId, string by, CancellationToken ct = default) =>
        ChangeAsync(campaignId, CampaignAction.Pause, Texts.Format("core.campaign.paused_by", by), ct);

    /// <summary>Cancels the campaign for good; nothing more is sent.</summary>
    public Task<CampaignAnswer> CancelAsync(long campaignId, string by, CancellationToken ct = default) =>
        ChangeAsync(campaignId, CampaignAction.Cancel, Texts.Format("core.campaign.cancelled_by", by), ct);

    /// <summary>
    /// Makes the campaign running again, for the caller to send it. A completed campaign has nothing to resume
    /// (<see cref="CampaignAnswerKind.Unchanged"/>). In a real send the issue the campaign keeps is checked again as at
    /// publish (<see cref="SendPolicy"/>): a 样刊 campaign created with the pickup folder is not resumed to real readers.
    /// </summary>
    public async Task<CampaignAnswer> ResumeAsync(long campaignId, CancellationToken ct = default)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null)
        {
            return NotFound(campaignId, CampaignAction.Resume);
        }
        var remaining = await RemainingAsync(campaignId, ct);
        if (campaign.State == CampaignState.Completed)
        {
            return new CampaignAnswer(CampaignAnswerKind.Unchanged, campaignId, CampaignAction.Resume, campaign.State, campaign.State,
                Texts.Format("core.campaign.nothing_left", campaignId), Remaining: remaining);
        }
        if (!Allows(CampaignAction.Resume, campaign.State))
        {
            return NotAllowed(campaign, CampaignAction.Resume, remaining);
        }
        if (await policy.CheckStoredAsync(campaigns, campaign, ct) is { } refusal)
        {
            return new CampaignAnswer(CampaignAnswerKind.Refused, campaignId, CampaignAction.Resume, campaign.State, campaign.State,
                refusal.Message, refusal.Hint, remaining);
        }
        return await ApplyAsync(campaign, CampaignAction.Resume, null, remaining, ct);
    }

    /// <summary>
    /// Queues the campaign's failed recipients again and makes it running, for the caller to send them; with none
    /// failed, nothing changes (<see cref="CampaignAnswerKind.Unchanged"/>, <see cref="CampaignAnswer.Remaining"/> 0 queued).
    /// </summary>
    /// <returns>The answer; when done, <see cref="CampaignAnswer.Remaining"/> is the number queued again.</returns>
    public async Task<CampaignAnswer> RetryFailedAsync(long campaignId, CancellationToken ct = default)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null)
        {
            return NotFound(campaignId, CampaignAction.RetryFailed);
        }
        if (!Allows(CampaignAction.RetryFailed, campaign.State))
        {
            return NotAllowed(campaign, CampaignAction.RetryFailed, await RemainingAsync(campaignId, ct));
        }
        if (await policy.CheckStoredAsync(campaigns, campaign, ct) is { } refusal)
        {
            return new CampaignAnswer(CampaignAnswerKind.Refused, campaignId, CampaignAction.RetryFailed, campaign.State, campaign.State,
                refusal.Message, refusal.Hint);
        }
        var queued = await campaigns.RetryFailedAsync(campaignId, ct);
        if (queued == 0)
        {
            return new CampaignAnswer(CampaignAnswerKind.Unchanged, campaignId, CampaignAction.RetryFailed, campaign.State, campaign.State,
                Texts.Format("core.campaign.no_failed", campaignId));
        }
        return await ApplyAsync(campaign, CampaignAction.RetryFailed, null, queued, ct);
    }

    private async Task<CampaignAnswer> ChangeAsync(long campaignId, CampaignAction action, string? reason, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null)
        {
            return NotFound(campaignId, action);
        }
        var remaining = await RemainingAsync(campaignId, ct);
        return Allows(action, campaign.State)
            ? await ApplyAsync(campaign, action, reason, remaining, ct)
            : NotAllowed(campaign, action, remaining);
    }

    private async Task<CampaignAnswer> ApplyAsync(Campaign campaign, CampaignAction action, string? reason, int remaining, CancellationToken ct)
    {
        if (!await TryAsync(campaigns, campaign.Id, action, reason, ct))
        {
            // Someone else changed the state between our look and our write: answer with what it is now.
            var now = await campaigns.GetAsync(campaign.Id, ct) ?? campaign;
            return NotAllowed(now, action, remaining);
        }
        var to = Of(action).To;
        return new CampaignAnswer(CampaignAnswerKind.Done, campaign.Id, action, campaign.State, to,
            Texts.Format("core.campaign.now", campaign.Id, Shown(to)), Remaining: remaining);
    }

    private async Task<int> RemainingAsync(long campaignId, CancellationToken ct) =>
        (await campaigns.CountAsync(campaignId, ct)).Sum(c => c.Pending + c.Deferred);

    private static CampaignAnswer NotFound(long campaignId, CampaignAction action) =>
        new(CampaignAnswerKind.NotFound, campaignId, action, null, null, Texts.Format("core.campaign.not_found", campaignId),
            Texts.Get("core.campaign.see_list_hint"));

    private static CampaignAnswer NotAllowed(Campaign campaign, CampaignAction action, int remaining) =>
        new(CampaignAnswerKind.NotAllowed, campaign.Id, action, campaign.State, campaign.State,
            Texts.Format("core.campaign.not_allowed", campaign.Id, Shown(campaign.State), Verb(action)),
            campaign.State == CampaignState.Cancelled
                ? Texts.Get("core.campaign.publish_again_hint")
                : Texts.Format("core.campaign.see_show_hint", campaign.Id), remaining);

    /// <summary>The state as the CLI and the JSON outputs spell it: <c>running</c>.</summary>
    public static string Word(CampaignState state) => state.ToString().ToLowerInvariant();

/// <summary>The state as a message shows it: the <see cref="Word"/> in English, the shared state name (已暂停) in Chinese.</summary>
    public static string Shown(CampaignState state) => Texts.IsEnglish ? Word(state) : Texts.Get("campaign.state." + Word(state));

    private static string Verb(CampaignAction action) => Texts.Get("core.campaign.verb." + action switch
    {
        CampaignAction.Pause => "paused",
        CampaignAction.Resume => "resumed",
        CampaignAction.Cancel => "cancelled",
        _ => "retried",
    });
}
