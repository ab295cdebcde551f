namespace Newsletter.Core;

/// <summary>
/// A fault that is the user's to correct (bad input, a refused operation, a setting to fix), as opposed to a bug: it
/// says what went wrong and where (<see cref="Exception.Message"/>) and how to fix it (<see cref="UserFacingException.Hint"/>). The CLI
/// prints it as its one line <c>error: what — how to fix</c> (exit 1), the web as the page's error message; both from
/// <see cref="UserFacingMessage"/>, never a per-type mapping.
/// </summary>
public abstract class UserFacingException(string message, string? hint = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>How to fix it; null when the message says it all.</summary>
    public string? Hint { get; } = hint;
}

/// <summary>The one mapping from a user-facing fault to the text shown to the user.</summary>
public static class UserFacingMessage
{
    /// <summary>"what — how to fix", or "what" when there is no hint (the CLI puts <c>error: </c> in front).</summary>
    public static string Of(UserFacingException e) => e.Hint is { Length: > 0 } hint ? $"{e.Message} — {hint}" : e.Message;
}
