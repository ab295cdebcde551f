using System.Text;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>
/// Search and filter by segment, status and tag, paged by id (keyset: "after the last id shown"), so a page costs
/// the same on row 1 and row 1,000,000. Export streams the CSV.
/// </summary>
public sealed class IndexModel(ISubscriberStore subscribers, SubscriberExporter exporter) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public long After { get; set; }

    public IReadOnlyList<Subscriber> Rows { get; private set; } = [];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public bool HasMore { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        SubscriberStatus? status = SubscriberStatusNames.TryParse(Status, out var parsed) ? parsed : null;
        var page = await subscribers.SearchAsync(new SubscriberQuery(
            Segment: string.IsNullOrWhiteSpace(Segment) ? null : Segment, Status: status,
            Search: string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Tag: string.IsNullOrWhiteSpace(Tag) ? null : Tag.Trim(),
            AfterId: Math.Max(0, After), Limit: PageSize + 1), ct);
        HasMore = page.Count > PageSize;
        Rows = [.. page.Take(PageSize)];
    }

    /// <summary>Streams the CSV (UTF-8 with BOM, for spreadsheet programs) page by page, never holding the list in memory.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"subscribers.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(true), 64 * 1024, leaveOpen: true);
        await exporter.ExportAsync(writer, string.IsNullOrWhiteSpace(Segment) ? null : Segment, ct);
        await writer.FlushAsync(ct);
        return new EmptyResult();
    }

    public string PageLink(long after)
    {
        var query = new QueryBuilder();
        if (!string.IsNullOrEmpty(Q)) query.Add("q", Q);
        if (!string.IsNullOrEmpty(Segment)) query.Add("segment", Segment);
        if (!string.IsNullOrEmpty(Status)) query.Add("status", Status);
        if (!string.IsNullOrEmpty(Tag)) query.Add("tag", Tag);
        if (after > 0) query.Add("after", after.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/Subscribers" + query.ToQueryString();
    }
}
