using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Newsletter.Web.Pages;

/// <summary>
/// What users see of an unexpected fault: one sentence, never a stack trace (the log has the details). A failed POST is
/// re-executed here as a POST with its form, whose antiforgery token was already valid.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public void OnGet()
    {
    }

    public void OnPost()
    {
    }
}
