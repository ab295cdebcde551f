using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages;

/// <summary>
/// What users see of a failed request (see <see cref="WebErrors"/>): the message when it was their mistake, else one
/// sentence; always the correlation id, never a stack trace (the log has it, under the same id). A failed POST is
/// re-executed here as a POST with its form, whose antiforgery token was already valid.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel(ILogger<ErrorModel> log) : PageModel
{
    /// <summary>The user's mistake in their words, or null for a fault of ours.</summary>
    public string? UserMessage { get; private set; }

    /// <summary>The correlation id: the request id of every log line of the failed request.</summary>
    public string Id => HttpContext.TraceIdentifier;

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        var feature = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        Response.Headers[WebErrors.IdHeader] = Id;
        if (feature?.Error is not { } error) return;
        if (WebErrors.UserFacing(error) is { } user)
        {
            UserMessage = user.Message;
            log.LogWarning("{Method} {Path} refused [{ErrorId}]: {Message}", Request.Method, feature.Path, Id, user.Message);
        }
        else
        {
            log.LogError(error, "{Method} {Path} failed [{ErrorId}]", Request.Method, feature.Path, Id);
        }
    }
}
