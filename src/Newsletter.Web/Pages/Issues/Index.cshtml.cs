using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core;
using Newsletter.Core.Issues;
using Newsletter.Web.Infrastructure;
using Newsletter.Web.Issues;

namespace Newsletter.Web.Pages.Issues;

/// <summary>Uploaded issues and the upload form (Markdown or the plain-text bulletin).</summary>
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
        else if (upload.Length > options.MaxUploadBytes || IssueLoader.KindOf(upload.FileName) is null)
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
                return RedirectToPage("Details", new { id = stored.Id });
            }
        }
        Issues = await issues.ListAsync(200, ct);
        return Page();
    }
}
