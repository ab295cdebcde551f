using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Web.Campaigns;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages.Campaigns;

/// <summary>A campaign's live progress and report; admins pause, resume (or send a scheduled one now) and cancel.</summary>
public sealed class DetailsModel(ICampaignStore campaigns, CampaignLifecycle lifecycle, ISubscriberStore subscribers, CampaignRunner runner, UiText text,
    ISendConfirmationLog confirmations, LiveRates rates, Newsletter.Core.Bounces.IBounceStore bounceStore) : PageModel
{
    /// <summary>Who confirmed this real send, and whether configuration errors were overridden.</summary>
    public IReadOnlyList<SendConfirmation> Confirmations { get; private set; } = [];

    public const int FailureLimit = 500;

    public Campaign? Campaign { get; private set; }

    public IReadOnlyList<VariantCounts> Counts { get; private set; } = [];

    public IReadOnlyList<RecipientFailure> Failures { get; private set; } = [];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    /// <summary>Messages per second measured over the last refreshes of this page, while live; null while unknown.</summary>
    public double? Rate { get; private set; }

    /// <summary>The time the messages not yet done need at <see cref="Rate"/>; null while unknown.</summary>
    public TimeSpan? Eta { get; private set; }

    /// <summary>Issue 17: returned mail for this campaign (counts and the latest rows).</summary>
    public Newsletter.Core.Bounces.BounceCounts BounceCounts { get; private set; } = new(0, 0, 0);

    public IReadOnlyList<Newsletter.Core.Bounces.BounceRecord> Bounces { get; private set; } = [];

    public PageMessages Messages { get; } = new();

    public bool IsAdmin => User.IsInRole("admin");

    /// <summary>Whether the page refreshes itself: while messages are going out.</summary>
    public bool Live => Campaign?.State == CampaignState.Running;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostPauseAsync(long id, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var answer = await lifecycle.PauseAsync(id, User.Identity?.Name ?? "web", ct);
            if (answer.Kind == CampaignAnswerKind.Done) await runner.StopRunAsync(id, ct);
            return answer;
        }, ct);

    public Task<IActionResult> OnPostResumeAsync(long id, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var answer = await lifecycle.ResumeAsync(id, ct);
            if (answer.Kind == CampaignAnswerKind.Done) runner.Enqueue(id);
            return answer;
        }, ct);

    public Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var answer = await lifecycle.CancelAsync(id, User.Identity?.Name ?? "web", ct);
            if (answer.Kind == CampaignAnswerKind.Done) await runner.StopRunAsync(id, ct);
            return answer;
        }, ct);

    /// <summary>Asks the lifecycle and shows its answer: a redirect when done, else the page with why.</summary>
    private async Task<IActionResult> ChangeAsync(long id, Func<Task<CampaignAnswer>> ask, CancellationToken ct)
    {
        // Sending and stopping are scheduling: admins only (editors see reports).
        if (!IsAdmin) return Forbid();
        var answer = await ask();
        switch (answer.Kind)
        {
            case CampaignAnswerKind.NotFound:
                return NotFound();
            case CampaignAnswerKind.Done:
                return RedirectToPage(new { id });
        }
        await LoadAsync(id, ct);
        if (answer.Kind == CampaignAnswerKind.Unchanged)
        {
            Messages.Notices.Add(text["campaign.nothing_left"]);
        }
        else
        {
            Messages.Errors.Add(answer.Kind == CampaignAnswerKind.Refused ? $"{answer.Message} — {answer.Hint}" : text["campaign.not_allowed"]);
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        Campaign = await campaigns.GetAsync(id, ct);
        if (Campaign is null) return false;
        var counts = await campaigns.CountAsync(id, ct);
        Counts = [.. Campaign.Segments.Select(s => counts.FirstOrDefault(c => c.Variant == s) ?? new VariantCounts(s, 0, 0, 0, 0, 0))];
        Failures = await campaigns.ListFailuresAsync(id, FailureLimit, ct);
        Known = await subscribers.ListSegmentsAsync(ct);
        Confirmations = await confirmations.ListAsync(id, ct);
        if (Live)
        {
            var done = Counts.Sum(c => c.Sent + c.Failed + c.Skipped);
            (Rate, Eta) = rates.Observe(id, done, Counts.Sum(c => c.Total) - done);
        }
        else
        {
            rates.Forget(id);
        }
        BounceCounts = await bounceStore.CountForCampaignAsync(id, ct);
        Bounces = await bounceStore.ListAsync(new Newsletter.Core.Bounces.BounceQuery(CampaignId: id, Limit: FailureLimit), ct);
        return true;
    }
}
