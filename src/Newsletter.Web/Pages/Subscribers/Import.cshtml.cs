using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Web.Audience;
using Newsletter.Web.Infrastructure;
using Newsletter.Core;

namespace Newsletter.Web.Pages.Subscribers;

/// <summary>
/// Upload a list (a workbook or CSV, its kind told by the bytes, not the name); shows the import summary — the sheet
/// read, ignored columns, rows imported with a warning, rejected rows with their line numbers — and offers the rejects
/// file (the original rows plus 原因) for download. When a header is not recognised (other than the usual 序号, 手机, 备注 …
/// of <see cref="NoFieldHeaders"/>), a mapping step comes first: each unrecognised header gets a field (or 忽略), and the
/// list kept meanwhile (<see cref="ImportFiles"/>) is imported with it. When no header is recognised as the e-mail
/// column, the mapping step offers every unrecognised header of the list's header row (<see cref="ImportHeaderGuess"/>)
/// and asks which one is the e-mail (<see cref="NeedsEmail"/>), instead of refusing the upload.
/// </summary>
public sealed class ImportModel(ISubscriberStore subscribers, SubscriberImporter importer, ImportFiles files, WebOptions options, UiText text) : PageModel
{
    /// <summary>The fields a header can be mapped to, in the order offered (the empty value is 忽略).</summary>
    public static IReadOnlyList<ImportColumn> MappableColumns { get; } =
    [
        ImportColumn.Email, ImportColumn.Name, ImportColumn.Salutation, ImportColumn.Segments, ImportColumn.District,
        ImportColumn.Industries, ImportColumn.Organisation, ImportColumn.Title,
    ];

    /// <summary>
    /// Headers of office lists that hold nothing a subscriber has (序号, 手机, 备注 …): ignored with the one warning line,
    /// without a mapping step of their own. Compared as written, trimmed, ignoring case.
    /// </summary>
    public static IReadOnlySet<string> NoFieldHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "序号", "编号", "序", "no", "no.", "#", "手机", "手机号", "手机号码", "电话", "联系电话", "办公电话", "座机", "传真",
        "备注", "说明", "性别", "年龄", "mobile", "phone", "tel", "remark", "remarks", "note", "notes",
    };

    public IReadOnlyList<Segment> Known { get; private set; } = [];

    public ImportSummary? Summary { get; private set; }

    /// <summary>The import whose rejects file can be downloaded; null when nothing was rejected.</summary>
    public string? RejectsId { get; private set; }

    /// <summary>The import waiting for its column mapping; null when none is.</summary>
    public string? Pending { get; private set; }

    /// <summary>The headers to map while <see cref="Pending"/>.</summary>
    public IReadOnlyList<string> Unmapped { get; private set; } = [];

    /// <summary>Whether the mapping step must name the e-mail column: no header of the list was recognised as one.</summary>
    public bool NeedsEmail { get; private set; }

    /// <summary>The user's file name, as the mapping step shows it.</summary>
    public string? FileName { get; private set; }

    /// <summary>The choices of the first step, carried through the mapping step.</summary>
    public (string? Segment, string? Sheet, bool Update, bool DryRun) Choices { get; private set; }

    public PageMessages Messages { get; } = new();

    private string Login => User.Identity?.Name ?? "";

    public async Task OnGetAsync(CancellationToken ct) => Known = await subscribers.ListSegmentsAsync(ct);

    /// <summary>The rejects file of one of the signed-in user's own imports; 404 for any other id.</summary>
    public IActionResult OnGetRejects(string? id)
    {
        if (files.Find(Login, id) is not { } folder || ImportFiles.Rejects(folder) is not { } rejects)
        {
            return NotFound();
        }
        return PhysicalFile(rejects, "text/csv; charset=utf-8", Path.GetFileName(rejects));
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? upload, string? defaultSegment, string? sheet, bool update, bool dryRun,
        string? pending, string[]? header, string[]? field, CancellationToken ct)
    {
        Known = await subscribers.ListSegmentsAsync(ct);
        Choices = (defaultSegment, sheet, update, dryRun);
        string id, folder, list, safeName;
        Dictionary<string, ImportColumn?>? mapping = null;
        if (!string.IsNullOrEmpty(pending))
        {
            // The mapping step: the list kept by the first step, the user's own.
            if (files.Find(Login, pending) is not { } kept || ImportFiles.Upload(kept) is not { } keptList)
            {
                return Fail(text["import.mapping_expired"]);
            }
            (id, folder, list) = (pending, kept, keptList);
            safeName = Path.GetFileName(list);
            mapping = Mapping(header, field);
            if (mapping is null)
            {
                return Fail(text["import.mapping_bad"]);
            }
            // A list without a recognised e-mail column needs one picked: ask again rather than fail the import.
            if (!mapping.ContainsValue(ImportColumn.Email) && ImportHeaderGuess.UnknownHeaders(list, sheet) is { Count: > 0 } headers)
            {
                (Pending, Unmapped, FileName, NeedsEmail) = (id, headers, safeName, true);
                return Fail(text["import.mapping_email_required"]);
            }
        }
        else
        {
            // Any name: the importer judges the bytes, and names a Word document or a PDF as such.
            if (upload is null || upload.Length == 0 || upload.Length > options.MaxUploadBytes)
            {
                return Fail(text["import.bad_file"]);
            }
            safeName = ImportFiles.SafeName(upload.FileName);
            id = files.Create(Login);
            folder = files.Find(Login, id)!;
            list = ImportFiles.UploadPath(folder, safeName);
            await using (var file = System.IO.File.Create(list))
            {
                await upload.CopyToAsync(file, ct);
            }
        }

        var importOptions = new ImportOptions
        {
            Segment = string.IsNullOrWhiteSpace(defaultSegment) ? null : defaultSegment,
            Update = update,
            DryRun = dryRun,
            Sheet = string.IsNullOrWhiteSpace(sheet) ? null : sheet,
            Source = $"web:{safeName}",
            RejectsPath = ImportFiles.RejectsPath(folder, safeName),
            Columns = mapping,
        };
        try
        {
            if (mapping is null)
            {
                // First a check that stores nothing: unrecognised headers are mapped before anything is imported.
                var preview = await importer.ImportAsync(list, importOptions with { DryRun = true }, ct);
                if (preview.Succeeded && preview.UnrecognisedColumns.Any(h => !NoFieldHeaders.Contains(h.Trim())))
                {
                    (Pending, Unmapped, FileName) = (id, preview.UnrecognisedColumns, safeName);
                    return Page();
                }
                // No e-mail column recognised (the preview is refused): every unknown header is offered, the e-mail to pick.
                if (!preview.Succeeded && ImportHeaderGuess.UnknownHeaders(list, importOptions.Sheet) is { Count: > 0 } headers)
                {
                    (Pending, Unmapped, FileName, NeedsEmail) = (id, headers, safeName, true);
                    return Page();
                }
                Summary = dryRun ? preview : await importer.ImportAsync(list, importOptions, ct);
            }
            else
            {
                Summary = await importer.ImportAsync(list, importOptions, ct);
            }
        }
        catch (UserFacingException e)
        {
            // The importer's documented refusals (a bad file, a bad segment): the message, never a 500.
            Messages.Errors.Add(WebErrors.Message(e));
        }
        finally
        {
            if (Pending is null)
            {
                ImportFiles.DeleteUpload(folder);
            }
        }
        RejectsId = Summary?.RejectsPath is not null ? id : null;
        if (Messages.Errors.Count > 0 || Summary is { Succeeded: false })
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }

    private PageResult Fail(string message)
    {
        Messages.Errors.Add(message);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>The posted mapping: header → field (empty: 忽略); null when it is malformed (lengths differ, unknown field, too many).</summary>
    private static Dictionary<string, ImportColumn?>? Mapping(string[]? headers, string[]? fields)
    {
        headers ??= [];
        fields ??= [];
        if (headers.Length != fields.Length || headers.Length > 500) return null;
        var mapping = new Dictionary<string, ImportColumn?>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
        {
            ImportColumn? column = null;
            if (!string.IsNullOrEmpty(fields[i]))
            {
                if (!Enum.TryParse<ImportColumn>(fields[i], out var parsed) || !MappableColumns.Contains(parsed)) return null;
                column = parsed;
            }
            mapping[(headers[i] ?? "").Trim()] = column;
        }
        return mapping;
    }
}
