using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Web.Infrastructure;
using Newsletter.Core;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>
/// Add or edit one subscriber; unsubscribe them; remove them (erasure, keeping only a hash that suppresses re-imports);
/// see the returned mail stored for them (issue 17).
/// </summary>
public sealed class EditModel(ISubscriberStore subscribers, UiText text, IBounceStore bounceStore, ICampaignStore campaigns) : PageModel
{
    /// <summary>At most this many of the subscriber's bounces are shown, newest first.</summary>
    public const int BounceLimit = 100;

    public Subscriber? Existing { get; private set; }

    /// <summary>This subscriber's bounces, complaints and mailed unsubscribes, newest first.</summary>
    public IReadOnlyList<BounceRecord> Bounces { get; private set; } = [];

    /// <summary>The titles of the campaigns <see cref="Bounces"/> name (a deleted campaign is missing).</summary>
    public IReadOnlyDictionary<long, string> CampaignTitles { get; private set; } = new Dictionary<long, string>();

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public PageMessages Messages { get; } = new();

    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Organisation { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public List<string> SegmentKeys { get; set; } = [];
    [BindProperty] public string? District { get; set; }
    [BindProperty] public string? Industries { get; set; }
    [BindProperty] public string? Salutation { get; set; }
    [BindProperty] public string? ConsentNote { get; set; }

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        if (id is null) return Page();
        Existing = await subscribers.FindByIdAsync(id.Value, ct);
        if (Existing is null) return NotFound();
        Email = Existing.Email;
        Name = Existing.Name;
        Organisation = Existing.Organisation;
        Title = Existing.Title;
        SegmentKeys = [.. Existing.Segments];
        District = Existing.District;
        Industries = string.Join("、", Existing.Industries);
        Salutation = Existing.Salutation;
        await LoadBouncesAsync(Existing.Id, ct);
        return Page();
    }

    private async Task LoadBouncesAsync(long id, CancellationToken ct)
    {
        Bounces = await bounceStore.ListAsync(new BounceQuery(SubscriberId: id, Limit: BounceLimit), ct);
        var titles = new Dictionary<long, string>();
        foreach (var campaignId in Bounces.Select(b => b.CampaignId).OfType<long>().Distinct())
        {
            if (await campaigns.GetAsync(campaignId, ct) is { } campaign) titles[campaignId] = campaign.Title;
        }
        CampaignTitles = titles;
    }

    public async Task<IActionResult> OnPostSaveAsync(long? id, CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        if (id is not null && (Existing = await subscribers.FindByIdAsync(id.Value, ct)) is null) return NotFound();
        // The importer's validator, so the form refuses exactly what an import would (control characters, line breaks,
        // spreadsheet formulas, lengths, unknown segments and industries), with the same messages as the CLI.
        var row = new ImportRow(0, Email, Name, Organisation, Title, string.Join(",", SegmentKeys), District, Industries, null, Salutation);
        if (SegmentKeys.Count == 0) Messages.Errors.Add(text["subscriber.segment_required"]);
        foreach (var error in new ImportRowValidator(Known).Validate(row).Errors.Where(e => SegmentKeys.Count > 0 || e.PropertyName != nameof(ImportRow.Segments)))
        {
            Messages.Errors.Add(error.PropertyName == nameof(ImportRow.Email)
                ? text.Format("subscriber.bad_email", error.ErrorMessage)
                : text.Format("subscriber.invalid_field", FieldLabel(error.PropertyName), error.ErrorMessage));
        }
        if (Messages.Errors.Count > 0)
        {
            if (Existing is not null) await LoadBouncesAsync(Existing.Id, ct);
            return Page();
        }
        var email = EmailAddress.Normalize(Email);
        var industries = Core.Audience.Segments.SplitList(Industries).Select(i => Core.Audience.Industries.TryResolve(i, out var x) ? x : i).Distinct().ToList();

        var draft = new SubscriberDraft(email, Name.Trim(), Blank(Organisation), Blank(Title), SegmentKeys, Blank(District), industries,
            Existing?.Status ?? SubscriberStatus.Active,
            // The derived salutation is shown in the box; keep it derived unless the admin typed another.
            Blank(Salutation) is { } typed && typed != Existing?.Salutation ? typed : null,
            Existing?.Source ?? $"admin:{User.Identity?.Name}", Existing?.ConsentAt);
        try
        {
            var saved = Existing is null
                ? await subscribers.AddAsync(draft, Blank(ConsentNote), ct)
                : await subscribers.UpdateAsync(Existing.Id, draft, ct);
            return saved is null ? NotFound() : RedirectToPage(new { id = saved.Id });
        }
        catch (UserFacingException e)
        {
            Messages.Errors.Add(WebErrors.Message(e));
            return Page();
        }
    }

    public async Task<IActionResult> OnPostUnsubscribeAsync(long id, CancellationToken ct)
    {
        if (!await subscribers.UnsubscribeAsync(id, $"admin:{User.Identity?.Name}", ct)) return NotFound();
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id, CancellationToken ct)
    {
        var existing = await subscribers.FindByIdAsync(id, ct);
        if (existing is null) return NotFound();
        await subscribers.RemoveAsync(existing.Email, ct);
        return Redirect("/Subscribers");
    }

    /// <summary>The form's label of a validated field ("Segments[0]" → the segment label).</summary>
    private string FieldLabel(string property) => property.Split('[')[0] switch
    {
        nameof(ImportRow.Email) => text["subscriber.email"],
        nameof(ImportRow.Name) => text["subscriber.name"],
        nameof(ImportRow.Organisation) => text["subscriber.organisation"],
        nameof(ImportRow.Title) => text["subscriber.title_field"],
        nameof(ImportRow.Segments) => text["subscriber.segment"],
        nameof(ImportRow.District) => text["subscriber.district"],
        nameof(ImportRow.Industries) => text["subscriber.industries"],
        nameof(ImportRow.Salutation) => text["subscriber.salutation"],
        var other => other,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
