namespace Newsletter.Core;

/// <summary>
/// An author mistake in a source file (issue, subscriber list, template), with where it is and how to fix it.
/// Mistakes are data: parsers and validators return lists of these rather than throwing.
/// </summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line in that file; 0 when the mistake concerns the whole file (empty, binary, unreadable).</param>
/// <param name="Message">What is wrong, in one sentence.</param>
/// <param name="Hint">How to fix it, when there is something to say.</param>
public sealed record SourceError(string File, int Line, string Message, string? Hint = null)
{
    /// <summary>"file:line: message — hint" (without ":line" for whole-file mistakes, without " — hint" when there is none).</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        return Hint is null ? $"{where}: {Message}" : $"{where}: {Message} — {Hint}";
    }
}
