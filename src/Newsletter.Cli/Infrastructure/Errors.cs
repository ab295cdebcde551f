namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// A user error with its fix: thrown by commands, printed by <see cref="NewsletterApp"/> as one line on stderr
/// (exit code 1). <paramref name="message"/> says what and where (file:line when there is one).
/// </summary>
internal sealed class UserErrorException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}

internal static class Errors
{
    /// <summary>Writes "error: what — how to fix" to stderr, without markup interpretation.</summary>
    public static void Write(string message, string? hint)
    {
        var line = hint is null ? $"error: {message}" : $"error: {message} — {hint}";
        Console.Error.WriteLine(line.ReplaceLineEndings(" "));
    }
}
