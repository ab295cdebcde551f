using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Web.Infrastructure;
using Newsletter.Core;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>Upload a CSV or XLSX list; shows the import summary and the rejected rows with their line numbers.</summary>
public sealed class ImportModel(ISubscriberStore subscribers, SubscriberImporter importer, WebOptions options, UiText text) : PageModel
{
    private static readonly string[] Extensions = [".csv", ".xlsx", ".txt"];

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public ImportSummary? Summary { get; private set; }

    public PageMessages Messages { get; } = new();

    public async Task OnGetAsync(CancellationToken ct) => Known = await subscribers.ListSegmentsAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? upload, string? defaultSegment, bool update, bool dryRun, CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        var extension = Path.GetExtension(upload?.FileName ?? "").ToLowerInvariant();
        if (upload is null || upload.Length == 0 || upload.Length > options.MaxUploadBytes || !Extensions.Contains(extension))
        {
            Messages.Errors.Add(text["import.bad_file"]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        // The importer reads files; the upload lives in a private temporary folder for the duration of the import.
        var folder = Directory.CreateTempSubdirectory("newsletter-import-");
        try
        {
            var path = Path.Combine(folder.FullName, "upload" + extension);
            await using (var file = System.IO.File.Create(path))
            {
                await upload.CopyToAsync(file, ct);
            }
            Summary = await importer.ImportAsync(path, new ImportOptions
            {
                Segment = string.IsNullOrWhiteSpace(defaultSegment) ? null : defaultSegment,
                Update = update,
                DryRun = dryRun,
                Source = $"web:{Path.GetFileName(upload.FileName)}",
                RejectsPath = Path.Combine(folder.FullName, "rejects.csv"),
            }, ct);
        }
        catch (UserFacingException e)
        {
            // The importer's documented refusals (a bad file, a bad segment): the message, never a 500.
            Messages.Errors.Add(WebErrors.Message(e));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        if (Messages.Errors.Count > 0 || Summary is { Succeeded: false })
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }
}
