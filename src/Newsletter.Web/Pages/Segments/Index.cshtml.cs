using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Web.Infrastructure;
using Newsletter.Core;

namespace Newsletter.Web.Pages.Segments;

/// <summary>The segments with their counts; admins add segments (built-ins are fixed).</summary>
public sealed class IndexModel(ISubscriberStore subscribers, UiText text) : PageModel
{
    public IReadOnlyList<SegmentCount> Counts { get; private set; } = [];

    public PageMessages Messages { get; } = new();

    [BindProperty] public string Key { get; set; } = "";
    [BindProperty] public string NameZh { get; set; } = "";
    [BindProperty] public string NameEn { get; set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => Counts = await subscribers.CountBySegmentAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var key = (Key ?? "").Trim().ToLowerInvariant();
        if (!Core.Audience.Segments.IsValidKey(key)) Messages.Errors.Add(text["segment.bad_key"]);
        if (string.IsNullOrWhiteSpace(NameZh) || string.IsNullOrWhiteSpace(NameEn)) Messages.Errors.Add(text["segment.names_required"]);
        if (Messages.Errors.Count == 0)
        {
            try
            {
                await subscribers.AddSegmentAsync(new Segment(key, NameZh.Trim(), NameEn.Trim(), false), ct);
                return RedirectToPage();
            }
            catch (UserFacingException e)
            {
                Messages.Errors.Add(WebErrors.Message(e));
            }
        }
        Counts = await subscribers.CountBySegmentAsync(ct);
        return Page();
    }
}
