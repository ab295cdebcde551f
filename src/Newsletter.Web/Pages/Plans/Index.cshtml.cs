using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages.Plans;

/// <summary>One recurring plan as the page shows it: in words, with its next firings in its zone.</summary>
public sealed record PlanRow(SchedulePlan Plan, string Words, IReadOnlyList<string> Next, string Zone);

/// <summary>
/// Recurring plans (<c>newsletter schedule plan</c>): every signed-in user sees them in words with their next three
/// firings in local time; admins add them with a picker — daily, weekly on checked weekdays, monthly on a day, or a
/// typed cron (Unix or Quartz) or phrase (每周一 09:00) — preview the next three firings first, and remove them.
/// </summary>
public sealed class IndexModel(IScheduleStore store, CampaignScheduler scheduler, IssuePublisher publisher, ISubscriberStore subscribers,
    TimeProvider time, UiText text) : PageModel
{
    /// <summary>The picker's choices of <see cref="Kind"/>.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["daily", "weekly", "monthly", "cron"];

    /// <summary>The weekday checkboxes, Monday first: the value posted and the key of its label.</summary>
    public static readonly IReadOnlyList<string> WeekdayValues = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public IReadOnlyList<PlanRow> Plans { get; private set; } = [];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public PageMessages Messages { get; } = new();

    public bool IsAdmin => User.IsInRole("admin");

    /// <summary>The zone new plans are read in (<c>Scheduling:TimeZone</c>).</summary>
    public TimeZoneInfo Zone => scheduler.Zone;

    [BindProperty] public string Kind { get; set; } = "weekly";

    [BindProperty] public List<string> Weekdays { get; set; } = ["mon"];

    [BindProperty] public string Day { get; set; } = "1";

    [BindProperty] public string Time { get; set; } = "09:00";

    [BindProperty] public string Cron { get; set; } = "";

    [BindProperty] public List<string> Targets { get; set; } = [];

    [BindProperty] public string? Districts { get; set; }

    [BindProperty] public string? Industries { get; set; }

    /// <summary>Set by the preview button: the picked plan in words and its next three firings (local time).</summary>
    public PlanRow? Preview { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (TempData["notice"] is string notice)
        {
            Messages.Notices.Add(notice);
        }
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (Picked() is { } cron)
        {
            Preview = Row(new SchedulePlan(0, cron, [], Zone.Id, time.GetUtcNow()));
            if (Preview.Next.Count == 0) Messages.Errors.Add(text["plan.never"]);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        var cron = Picked();
        var targets = Targets.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (cron is not null && targets.Count == 0)
        {
            Messages.Errors.Add(text["plan.no_segments"]);
        }
        if (cron is not null && targets.Count > 0)
        {
            try
            {
                var tags = await publisher.ResolveTagsAsync(Core.Audience.Segments.SplitList(Districts), Core.Audience.Segments.SplitList(Industries), ct);
                var plan = await scheduler.AddPlanAsync(new PlanInput(Cron: cron), targets, tags, Zone, ct);
                TempData["notice"] = text.Format("plan.added", plan.Id, Words(plan.Cron));
                return RedirectToPage();
            }
            catch (UserFacingException e)
            {
                Messages.Errors.Add(WebErrors.Message(e));
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id, CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (!await store.RemovePlanAsync(id, ct)) return NotFound();
        TempData["notice"] = text.Format("plan.removed", id);
        return RedirectToPage();
    }

    /// <summary>The picked plan as a Quartz cron, or null with the error added to <see cref="Messages"/>.</summary>
    private string? Picked()
    {
        var input = (Kind ?? "").Trim() switch
        {
            "daily" => new PlanInput("daily", Time),
            "weekly" => new PlanInput(string.Join(",", Weekdays.Where(WeekdayValues.Contains)), Time),
            "monthly" => new PlanInput("month", Time, Day),
            _ => Typed(Cron),
        };
        if (input is { Every: "" } && Kind == "weekly")
        {
            Messages.Errors.Add(text["plan.no_weekday"]);
            return null;
        }
        var result = PlanRecurrence.Parse(input);
        // A phrase typed without its time (每周一) takes the time box's.
        if (Kind == "cron" && result.Error is { Code: "missing_time" })
        {
            result = PlanRecurrence.Parse(input with { At = Time });
        }
        if (result.Error is { } error)
        {
            Messages.Errors.Add(error.Localized());
            return null;
        }
        return result.Cron;
    }

    /// <summary>What was typed in the cron box: a cron when it starts as one (0 9 * * 1, @daily), else a phrase (每周一 09:00).</summary>
    private static PlanInput Typed(string? typed)
    {
        var value = (typed ?? "").Trim();
        return value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '*' or '?' or '@')
            ? new PlanInput(Cron: value)
            : new PlanInput(Every: value);
    }

    private string Words(string cron) => PlanRecurrence.Words(cron, UiText.IsEnglish);

    private PlanRow Row(SchedulePlan plan)
    {
        var zone = scheduler.PlanZone(plan);
        var next = scheduler.NextFirings(plan, 3).Select(t => PlanRecurrence.ShowFiring(t, zone, UiText.IsEnglish)).ToList();
        return new PlanRow(plan, Words(plan.Cron), next, zone.Id);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Plans = [.. (await store.ListPlansAsync(ct)).Select(Row)];
        Known = [.. (await subscribers.ListSegmentsAsync(ct)).Where(s => s.Key != Core.Audience.Segments.TestRecipients)];
    }
}
