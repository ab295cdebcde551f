using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Web.Infrastructure;
using Newsletter.Core;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>
/// Upload a list (a workbook or CSV, its kind told by the bytes, not the name); shows the import summary — the sheet
/// read, ignored columns, rows imported with a warning, rejected rows with their line numbers.
/// </summary>
public sealed class ImportModel(ISubscriberStore subscribers, SubscriberImporter importer, WebOptions options, UiText text) : PageModel
{
    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public ImportSummary? Summary { get; private set; }

    public PageMessages Messages { get; } = new();

    public async Task OnGetAsync(CancellationToken ct) => Known = await subscribers.ListSegmentsAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? upload, string? defaultSegment, string? sheet, bool update, bool dryRun, CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        // Any name: the importer judges the bytes, and names a Word document or a PDF as such.
        if (upload is null || upload.Length == 0 || upload.Length > options.MaxUploadBytes)
        {
            Messages.Errors.Add(text["import.bad_file"]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        // The importer reads files; the upload lives in a private temporary folder for the duration of the import.
        var folder = Directory.CreateTempSubdirectory("newsletter-import-");
        try
        {
            // The user's file name (made safe) so that messages name the file they chose.
            var path = Path.Combine(folder.FullName, SafeName(upload.FileName));
            await using (var file = System.IO.File.Create(path))
            {
                await upload.CopyToAsync(file, ct);
            }
            Summary = await importer.ImportAsync(path, new ImportOptions
            {
                Segment = string.IsNullOrWhiteSpace(defaultSegment) ? null : defaultSegment,
                Update = update,
                DryRun = dryRun,
                Sheet = string.IsNullOrWhiteSpace(sheet) ? null : sheet,
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

    private static string SafeName(string? fileName)
    {
        var name = Path.GetFileName(fileName ?? "");
        var invalid = Path.GetInvalidFileNameChars();
        name = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c)]).Trim().TrimStart('.');
        if (name.Length > 100) name = name[^100..];
        return name.Length == 0 || name == "rejects.csv" ? "upload" : name;
    }
}
