using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Core.Scheduling;
using Newsletter.Web.Campaigns;
using Newsletter.Web.Infrastructure;
using Newsletter.Web.Issues;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Pages.Issues;

/// <summary>
/// One uploaded issue: its mistakes with line numbers, the review of a plain-text import, previews of every
/// segment's variant at 640 and 375 px, test sends, "ready", and (admins) scheduling or sending it now.
/// </summary>
public sealed class DetailsModel(UploadedIssueStore issues, IssueReview reviews, TestSends tests, TestSender testSender, IssuePublisher publisher,
    CampaignScheduler scheduler, CampaignRunner runner, Display display, TimeProvider time, UiText text, ITestSendLog testLog, WebOptions options,
    SendPreviewer previewer, IssueMetadataEditor metadataEditor) : PageModel
{
    /// <summary>
    /// Set when a real send (SMTP) was asked for and awaits its second click: what would go out and to whom. The page
    /// then shows the confirm form instead of sending; nothing was created.
    /// </summary>
    public SendPreview? Confirm { get; private set; }

    /// <summary>The send being confirmed: "now" or "schedule", the targets and the time as posted (sent back by the confirm form).</summary>
    public string? Mode { get; private set; }

    public IReadOnlyList<string> Targets { get; private set; } = [];

    public string? At { get; private set; }

    /// <summary>The 期号 and date typed into the metadata form (kept when it comes back with an error).</summary>
    public string? NumberInput { get; private set; }

    public string? DateInput { get; private set; }

    public UploadedIssue? Issue { get; private set; }

    public IssueReviewResult? Review { get; private set; }

    public PageMessages Messages { get; } = new();

    public IReadOnlyList<TestSendResult> TestOutcomes { get; private set; } = [];

    /// <summary>The latest test sends of this issue, with who sent them.</summary>
    public IReadOnlyList<TestSendEntry> TestLog { get; private set; } = [];

    /// <summary>The addresses in the test-send box: what was typed, else the editors' test list.</summary>
    public string Addresses { get; private set; } = "";

    public bool IsAdmin => User.IsInRole("admin");

    /// <summary>The schedule form's district and industry filters as typed (kept when the form comes back with an error).</summary>
    public string? Districts { get; private set; }

    public string? Industries { get; private set; }

    /// <summary>The segments previewed: the issue's audiences, else the built-in readerships.</summary>
    public IReadOnlyList<string> PreviewSegments => Review is { AudienceKeys.Count: > 0 } r
        ? r.AudienceKeys
        : [.. Core.Audience.Segments.BuiltIn.Select(s => s.Key)];

    /// <summary>The schedule box's initial value: the next full hour, local time.</summary>
    public string DefaultAt => TimeZoneInfo.ConvertTime(time.GetUtcNow().AddHours(1), display.Zone)
        .ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (TempData["notice"] is string notice)
        {
            Messages.Notices.Add(notice);
        }
        Addresses = string.Join("\n", await tests.DefaultAddressesAsync(ct));
        return Page();
    }

    public async Task<IActionResult> OnPostReadyAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!Review!.IsValid)
        {
            Messages.Errors.Add(text["issue.fix_first"]);
            return Page();
        }
        try
        {
            // Ready for the scheduler's recurring plans too (they publish the newest ready issue).
            await scheduler.MarkReadyAsync(Issue!.Path, ct);
        }
        catch (UserFacingException e)
        {
            Messages.Errors.Add(WebErrors.Message(e));
            return Page();
        }
        await issues.SetTitleAsync(id, Review.Issue!.Subject, ct);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostTestSendAsync(long id, string? segment, string? addresses, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Addresses = addresses ?? "";
        var (valid, invalid) = TestSends.ParseAddresses(addresses);
        foreach (var entry in invalid)
        {
            Messages.Errors.Add(text.Format(TestSender.HasNonAsciiLocalPart(entry) ? "test.non_ascii_address" : "test.invalid_address", entry));
        }
        if (valid.Count == 0)
        {
            if (invalid.Count == 0) Messages.Errors.Add(text["test.no_addresses"]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (valid.Count > TestSender.MaxRecipients)
        {
            Messages.Errors.Add(text.Format("test.too_many", TestSender.MaxRecipients));
            return Page();
        }
        if (!Review!.IsValid)
        {
            Messages.Errors.Add(text["issue.fix_first"]);
            return Page();
        }
        var login = User.Identity?.Name ?? "";
        var check = await tests.CheckAsync(login, IsAdmin, valid, ct);
        foreach (var address in check.OutsideDomains)
        {
            Messages.Errors.Add(text.Format("test.outside_domain", address, string.Join(", ", check.AllowedDomains)));
        }
        if (check.OverLimit)
        {
            Messages.Errors.Add(text.Format("test.rate_limited", options.TestSendsPerHour, check.SentLastHour));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (check.Allowed.Count == 0)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        try
        {
            // Core's test sender: the exact message of the variant, "[测试]" subject, logged apart from campaigns.
            var report = await testSender.SendAsync(new TestSendRequest(Issue!.Path, segment, check.Allowed, null, login), ct);
            TestOutcomes = report.Results;
            TestLog = await testLog.ListForIssueAsync(report.IssueKey, 20, ct);
            Messages.Notices.Add(text.Format("test.summary", TestOutcomes.Count(o => o.Delivered), TestOutcomes.Count, report.Subject));
        }
        catch (UserFacingException e)
        {
            Messages.Errors.Add(WebErrors.Message(e));
        }
        return Page();
    }

    /// <summary>Sets the 期号 and date in the issue file and clears <c>sample</c>.</summary>
    public async Task<IActionResult> OnPostMetadataAsync(long id, string? number, string? date, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        (NumberInput, DateInput) = (number, date);
        string? parsedNumber = null;
        DateOnly? parsedDate = null;
        if (!string.IsNullOrWhiteSpace(number) && (parsedNumber = IssueNumbers.ParseNumber(number, out _)) is null)
        {
            Messages.Errors.Add(text.Format("issue.meta.bad_number", number.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(date) && (parsedDate = IssueNumbers.ParseDate(date, out _)) is null)
        {
            Messages.Errors.Add(text.Format("issue.meta.bad_date", date.Trim()));
        }
        if (string.IsNullOrWhiteSpace(number) && string.IsNullOrWhiteSpace(date))
        {
            Messages.Errors.Add(text["issue.meta.need_one"]);
        }
        if (Messages.Errors.Count > 0)
        {
            return Page();
        }
        if (!await metadataEditor.ApplyAsync(Issue!, new IssueOverrides(parsedNumber, parsedDate), ct))
        {
            Messages.Errors.Add(text["issue.fix_first"]);
            return Page();
        }
        TempData["notice"] = text["issue.meta.saved"];
        return RedirectToPage(new { id });
    }

    /// <summary>Issue 21: the 统计阅读 checkbox as posted, carried through the confirmation form.</summary>
    public string TrackingRequested => Request.HasFormContentType ? Request.Form["tracking"].ToString() : "";

    /// <summary>Issue 21: <c>Tracking:Enabled</c>: every campaign is tracked, the checkbox is shown checked and fixed.</summary>
    public bool TrackingAll => HttpContext.RequestServices.GetRequiredService<Newsletter.Core.Figures.TrackingOptions>().Enabled;

    public async Task<IActionResult> OnPostScheduleAsync(long id, string[]? targets, string? at, string? mode, string? districts, string? industries,
        bool confirmed, bool force, CancellationToken ct)
    {
        (Districts, Industries) = (districts, industries);
        (Mode, Targets, At) = (mode, targets ?? [], at);
        if (!IsAdmin) return Forbid();
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!Review!.IsValid)
        {
            Messages.Errors.Add(text["issue.fix_first"]);
            return Page();
        }
        if (targets is not { Length: > 0 })
        {
            Messages.Errors.Add(text["schedule.no_segments"]);
            return Page();
        }
        var now = mode == "now";
        DateTimeOffset? when = null;
        if (!now)
        {
            when = display.ParseLocal(at);
            if (when is null || when <= time.GetUtcNow())
            {
                Messages.Errors.Add(text["schedule.bad_time"]);
                return Page();
            }
        }

        Campaign campaign;
        SendPreview? preview = null;
        try
        {
            var tags = await publisher.ResolveTagsAsync(Core.Audience.Segments.SplitList(districts), Core.Audience.Segments.SplitList(industries), ct);
            if (previewer.IsRealSend)
            {
                // A real send: the first click shows what would go out; only the confirm form's second click sends.
                preview = await previewer.PreviewAsync(Issue!.Path, targets, tags, IssueOverrides.None, ct);
                if (!confirmed)
                {
                    Confirm = preview;
                    return Page();
                }
                if (preview.NeedsForce && !force)
                {
                    Confirm = preview;
                    Messages.Errors.Add(text["confirm.force_needed"]);
                    return Page();
                }
            }
            if (now)
            {
                var prepared = await publisher.PrepareAsync(Issue!.Path, targets, tags, CampaignState.Running, null, ct);
                if (!prepared.Created)
                {
                    // A second click (or a second admin) on "send now": the first one's campaign runs; nothing is sent twice.
                    Messages.Errors.Add(text.Format(prepared.Campaign.State is CampaignState.Running or CampaignState.Completed
                        ? "schedule.running" : "schedule.exists", prepared.Campaign.Id));
                    Response.StatusCode = StatusCodes.Status409Conflict;
                    return Page();
                }
                campaign = prepared.Campaign;
            }
            else
            {
                // The scheduler's own entry point: a running serve fires it at its time.
                campaign = await scheduler.ScheduleAsync(Issue!.Path, targets, tags, when!.Value, ct);
            }
        }
        catch (UserFacingException e)
        {
            Messages.Errors.Add(WebErrors.Message(e));
            return Page();
        }
        if (preview is not null)
        {
            await previewer.RecordAsync(campaign.Id, preview, User.Identity?.Name ?? "web", force, ct);
        }
        if (TrackingRequested == "true")
        {
            // Issue 21: the form's 统计阅读 checkbox, before the first message goes out.
            await HttpContext.RequestServices.GetRequiredService<Newsletter.Core.Figures.ICampaignTracking>().SetAsync(campaign.Id, true, ct);
        }
        if (now)
        {
            runner.Enqueue(campaign.Id);
        }
        await issues.SetTitleAsync(id, Review.Issue!.Subject, ct);
        return Redirect($"/Campaigns/Details/{campaign.Id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        Issue = await issues.GetAsync(id, ct);
        if (Issue is null) return false;
        Review = await reviews.ReadAsync(Issue.Path, ct);
        if (Review.Issue is { } parsed)
        {
            TestLog = await testLog.ListForIssueAsync(IssuePublisher.IssueKey(parsed, Issue.Path), 20, ct);
        }
        return true;
    }
}
