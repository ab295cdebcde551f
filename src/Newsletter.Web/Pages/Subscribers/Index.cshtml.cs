using System.Text;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>
/// Search and filter by segment, status and tag, paged by id (keyset: "after the last id shown"), so a page costs
/// the same on row 1 and row 1,000,000. Export streams the CSV, or an .xlsx workbook.
/// </summary>
public sealed class IndexModel(ISubscriberStore subscribers, SubscriberExporter exporter, Infrastructure.UiText text) : PageModel
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

    public PageMessages Messages { get; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        if (UnknownSegment() is { } problem)
        {
            // A hand-edited or stale link: say which segments exist instead of failing the search.
            Messages.Errors.Add(problem);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        SubscriberStatus? status = SubscriberStatusNames.TryParse(Status, out var parsed) ? parsed : null;
        var page = await subscribers.SearchAsync(new SubscriberQuery(
            Segment: string.IsNullOrWhiteSpace(Segment) ? null : Segment, Status: status,
            Search: string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Tag: string.IsNullOrWhiteSpace(Tag) ? null : Tag.Trim(),
            AfterId: Math.Max(0, After), Limit: PageSize + 1), ct);
        HasMore = page.Count > PageSize;
        Rows = [.. page.Take(PageSize)];
        return Page();
    }

    /// <summary>Streams the CSV (UTF-8 with BOM, for spreadsheet programs) page by page, never holding the list in memory.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        // Checked before the first byte: once the CSV streams, an error can only cut the download short.
        Known = await subscribers.ListSegmentsAsync(ct);
        if (UnknownSegment() is { } problem)
        {
            return new ContentResult { StatusCode = StatusCodes.Status400BadRequest, Content = problem, ContentType = "text/plain; charset=utf-8" };
        }
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"subscribers.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(true), 64 * 1024, leaveOpen: true);
        await exporter.ExportAsync(writer, string.IsNullOrWhiteSpace(Segment) ? null : Segment, ct);
        await writer.FlushAsync(ct);
        return new EmptyResult();
    }

    /// <summary>
    /// The list as an .xlsx workbook: written to a temporary file first (a zip package needs a seekable stream), then
    /// streamed; the file is deleted when the response closes it.
    /// </summary>
    public async Task<IActionResult> OnGetExportXlsxAsync(CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        if (UnknownSegment() is { } problem)
        {
            return new ContentResult { StatusCode = StatusCodes.Status400BadRequest, Content = problem, ContentType = "text/plain; charset=utf-8" };
        }
        var path = Path.Combine(Path.GetTempPath(), $"newsletter-export-{Guid.NewGuid():N}.xlsx");
        try
        {
            await exporter.ExportAsync(path, string.IsNullOrWhiteSpace(Segment) ? null : Segment, ct);
        }
        catch
        {
            System.IO.File.Delete(path);
            throw;
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose);
        return File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "subscribers.xlsx");
    }

    /// <summary>The message for a <c>segment</c> filter naming no known segment; null when it is blank or known.</summary>
    private string? UnknownSegment() =>
        string.IsNullOrWhiteSpace(Segment) || Core.Audience.Segments.TryResolve(Segment, Known, out _)
            ? null
            : text.Format("subscriber.unknown_segment", Segment, Core.Audience.Segments.Describe(Known));

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
