using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core;
using Newsletter.Core.Issues;
using Newsletter.Web.Infrastructure;
using Newsletter.Web.Issues;

namespace Newsletter.Web.Pages.Issues;

/// <summary>Uploaded issues and the upload form (Markdown, the plain-text bulletin or the Word bulletin; a .doc gets "save it as .docx").</summary>
public sealed class IndexModel(UploadedIssueStore issues, WebOptions options, UiText text) : PageModel
{
    public IReadOnlyList<UploadedIssue> Issues { get; private set; } = [];

    public IReadOnlyList<SourceError> UploadErrors { get; private set; } = [];

    public PageMessages Messages { get; } = new();

    public async Task OnGetAsync(CancellationToken ct) => Issues = await issues.ListAsync(200, ct);

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? upload, CancellationToken ct)
    {
        if (upload is null || upload.Length == 0)
        {
            Messages.Errors.Add(text["issue.no_file"]);
        }
        else if (upload.Length > options.MaxUploadBytes
            || (IssueLoader.KindOf(upload.FileName) is null && !IssueLoader.LegacyWordExtensions.Contains(Path.GetExtension(upload.FileName).ToLowerInvariant())))
        {
            Messages.Errors.Add(text["issue.bad_file"]);
        }
        else
        {
            var fileName = UploadedIssueStore.SafeFileName(upload.FileName);
            using var buffer = new MemoryStream();
            await upload.CopyToAsync(buffer, ct);
            var bytes = buffer.ToArray();
            var parsed = IssueLoader.Read(bytes, fileName);
            if (parsed.Issue is null)
            {
                // Unreadable (binary, empty, undecodable): nothing worth keeping for review.
                UploadErrors = parsed.Errors;
            }
            else
            {
                var stored = await issues.AddAsync(fileName, bytes, parsed.Issue.Subject, User.Identity?.Name ?? "?", ct);
                // Housekeeping on upload: uploads past Web:UploadRetention that nothing uses any more.
                await issues.PurgeAsync(ct);
                return RedirectToPage("Details", new { id = stored.Id });
            }
        }
        Issues = await issues.ListAsync(200, ct);
        return Page();
    }

    public bool IsAdmin => User.IsInRole("admin");

    public string MaxUploadMiB => (options.MaxUploadBytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    public string RetentionDays => options.UploadRetention > TimeSpan.Zero
        ? options.UploadRetention.TotalDays.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)
        : "∞";

    /// <summary>Admins delete an upload (its file too); refused while a campaign or a ready issue still uses it.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        switch (await issues.DeleteAsync(id, ct))
        {
            case UploadDeletion.NotFound:
                return NotFound();
            case UploadDeletion.InUse:
                Messages.Errors.Add(text.Format("issue.in_use", id));
                Issues = await issues.ListAsync(200, ct);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                return RedirectToPage();
        }
    }
}
