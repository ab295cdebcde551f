using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Archive;
using Newsletter.Core.Composition;
using Newsletter.Web.Archive;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages.Archive;

/// <summary>
/// <c>/archive/{campaign}/{segment}</c>: one segment's variant of a sent issue exactly as stored with its campaign (not
/// composed again from today's files or templates), with placeholders where each reader's own values went.
/// 404 for a campaign that delivered nothing or a segment it has no variant for.
/// </summary>
public sealed class VariantModel(IArchiveStore archive) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, string segment, CancellationToken ct)
    {
        var variant = await archive.GetVariantAsync(id, segment, ct);
        if (variant is null) return NotFound();
        var html = ArchiveHtml.WithNoIndexMeta(SlotTemplate.Parse(variant.Html).Render(ArchiveHtml.Placeholders, htmlEscape: true));
        SecurityHeaders.SetEmailHeaders(Response, framedByAdmin: false);
        ArchiveHtml.MarkNoIndex(Response);
        return Content(html, "text/html; charset=utf-8");
    }
}
