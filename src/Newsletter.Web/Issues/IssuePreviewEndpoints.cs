using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Issues;

/// <summary><c>/issues/{id}/preview/{segment}</c>: a variant of an uploaded issue as HTML, for the preview iframes.</summary>
public static class IssuePreviewEndpoints
{
    public static IEndpointRouteBuilder MapIssuePreviews(this IEndpointRouteBuilder app)
    {
        app.MapGet("/issues/{id:long}/preview/{segment}", async (long id, string segment, HttpContext context,
                UploadedIssueStore issues, IssueReview review, CancellationToken ct) =>
            {
                var issue = await issues.GetAsync(id, ct);
                var html = issue is null ? null : await review.PreviewAsync(issue.Path, segment, ct);
                if (html is null) return Results.NotFound();
                SecurityHeaders.SetEmailHeaders(context.Response, framedByAdmin: true);
                return Results.Content(html, "text/html; charset=utf-8");
            })
            .RequireAuthorization(SignInService.EditorPolicy)
            .WithName("IssuePreview");
        return app;
    }
}
