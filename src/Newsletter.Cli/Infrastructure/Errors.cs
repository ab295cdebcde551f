using Newsletter.Core;
namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// A user error with its fix: thrown by commands, printed by <see cref="NewsletterApp"/> as one line on stderr
/// (exit code 1). <paramref name="message"/> says what and where (file:line when there is one).
/// </summary>
internal sealed class UserErrorException(string message, string? hint = null) : UserFacingException(message, hint);

internal static class Errors
{
    /// <summary>The fix for a database that cannot be reached or refuses us.</summary>
    public static string DatabaseHint => Texts.Get("cli.error.database_hint");

    /// <summary>
    /// One line for a PostgreSQL server that cannot be reached (refused, unknown host, timeout) or refuses the login or
    /// the database — found anywhere in the exception's causes — or null when the fault is something else.
    /// </summary>
    public static string? DatabaseUnreachable(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case Npgsql.PostgresException { SqlState: var state } refused when state.StartsWith("28", StringComparison.Ordinal) || state == "3D000":
                    return Texts.Format("cli.error.database_refused", refused.MessageText);
                case Npgsql.NpgsqlException npgsql when npgsql.InnerException is System.Net.Sockets.SocketException or TimeoutException
                    || npgsql.Message.StartsWith("Failed to connect to", StringComparison.Ordinal):
                    var at = System.Text.RegularExpressions.Regex.Match(npgsql.Message, @"Failed to connect to (\S+)");
                    var reason = npgsql.InnerException?.Message ?? npgsql.Message;
                    return at.Success
                        ? Texts.Format("cli.error.database_unreachable_at", at.Groups[1].Value.TrimEnd('.', ','), reason)
                        : Texts.Format("cli.error.database_unreachable", reason);
            }
        }
        return null;
    }

    /// <summary>Writes "error: what — how to fix" to stderr, without markup interpretation.</summary>
    public static void Write(string message, string? hint) => Write(hint is null ? message : $"{message} — {hint}");

    /// <summary>Writes "error: <paramref name="text"/>" to stderr as one line, without markup interpretation.</summary>
    public static void Write(string text) => Console.Error.WriteLine($"error: {text}".ReplaceLineEndings(" "));
}
