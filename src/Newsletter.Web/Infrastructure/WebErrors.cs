using Newsletter.Core;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Infrastructure;

/// <summary>
/// The web's one error boundary (with <c>Pages/Error</c>): an exception a page did not handle becomes a page in the
/// user's language with a correlation id (the request id, also in every log line of the request) and never a stack
/// trace. Exceptions that describe the user's own mistake — the same types the CLI prints as one line — keep their
/// message and answer 4xx; anything else is a 500 logged with its stack under the id.
/// </summary>
public static class WebErrors
{
    /// <summary>The response header carrying the correlation id of an error page.</summary>
    public const string IdHeader = "X-Error-Id";

    /// <summary>The status and message for an exception the user can act on, or null for a fault of ours.</summary>
    public static (int Status, string Message)? UserFacing(Exception e) => e switch
    {
        IssueRejectedException rejected => (StatusCodes.Status400BadRequest, string.Join("\n", rejected.Errors.Select(x => x.ToString()))),
        // The request is fine but the state of things refuses it.
        EmptyAudienceException or ScheduleRejectedException or CampaignRefusedException or SampleIssueRefusedException =>
            (StatusCodes.Status409Conflict, Message((UserFacingException)e)),
        UserFacingException user => (StatusCodes.Status400BadRequest, Message(user)),
        BadHttpRequestException bad => (bad.StatusCode, e.Message),
        _ => null,
    };

    /// <summary>The text a page shows for a user-facing fault: the same "what — how to fix" as the CLI's error line.</summary>
    public static string Message(UserFacingException e) => UserFacingMessage.Of(e);

    /// <summary>For <c>ExceptionHandlerOptions.StatusCodeSelector</c>: 4xx for the user's mistakes, 500 otherwise.</summary>
    public static int StatusCode(Exception e) => UserFacing(e)?.Status ?? StatusCodes.Status500InternalServerError;
}
