using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Archive;
using Newsletter.Core.Audience;
using Newsletter.Web.Archive;

namespace Newsletter.Web.Pages.Archive;

/// <summary>
/// <c>/archive</c> (往期): every sent issue, newest first, with its 期号, date, segments and outbox counts, each
/// segment linking to its variant as sent; <c>?q=</c> searches title, 期号 and text. Signed-in staff only (any role).
/// </summary>
public sealed class IndexModel(IArchiveStore archive, ISubscriberStore subscribers) : PageModel
{
    /// <summary>Most issues shown at once (a search narrows further).</summary>
    public const int Limit = 200;

    /// <summary>Longest search text kept; the input says so with its maxlength.</summary>
    public const int MaxSearchLength = 200;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Q { get; set; }

    public IReadOnlyList<ArchivedIssue> Issues { get; private set; } = [];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        ArchiveHtml.MarkNoIndex(Response);
        Q = Q?.Trim() is { Length: > 0 } q ? q[..Math.Min(q.Length, MaxSearchLength)] : null;
        Issues = await archive.ListAsync(Q, Limit, ct);
        Known = await subscribers.ListSegmentsAsync(ct);
    }
}
