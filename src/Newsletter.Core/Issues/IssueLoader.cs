namespace Newsletter.Core.Issues;

/// <summary>
/// Reads an issue file: <c>.md</c> (Markdown with front matter) through <see cref="IssueParser"/>, <c>.txt</c> (the
/// plain-text bulletin as received) through <see cref="BulletinTextImporter"/>. Encodings as <see cref="SourceTextDecoder"/>.
/// </summary>
public static class IssueLoader
{
    /// <summary>Largest issue file read (<see cref="InputLimits.MaxUploadBytes"/>); a bulletin is tens of kilobytes.</summary>
    public const long MaxFileBytes = InputLimits.MaxUploadBytes;

    /// <summary>The extensions read as Markdown.</summary>
    public static IReadOnlyList<string> MarkdownExtensions { get; } = [".md", ".markdown"];

    /// <summary>The extensions read as the plain-text bulletin.</summary>
    public static IReadOnlyList<string> TextExtensions { get; } = [".txt"];

    /// <summary>Reads and parses the issue at <paramref name="path"/>; every problem (missing file included) is an error in the result.</summary>
    public static IssueParseResult Load(string path)
    {
        if (KindOf(path) is null)
        {
            return Fail(path, $"'{Path.GetExtension(path)}' is not an issue file extension",
                "name a Markdown issue (.md) or the plain-text bulletin (.txt)");
        }
        var text = ReadText(path);
        return text.Error is not null ? new IssueParseResult(null, [text.Error]) : Parse(text.Text!, path);
    }

    /// <summary>
    /// Reads and decodes the file at <paramref name="path"/> (any extension): a missing, unreadable, oversized, empty,
    /// binary or undecodable file comes back as <see cref="SourceTextDecoder.Result.Error"/>.
    /// </summary>
    public static SourceTextDecoder.Result ReadText(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Failure(path, Directory.Exists(path) ? "this is a folder, not an issue file" : "the file does not exist",
                    "check the path");
            }
            if (info.Length > MaxFileBytes)
            {
                return Failure(path, $"the file is {info.Length / 1024 / 1024} MiB, too large for an issue (at most {MaxFileBytes / 1024 / 1024} MiB)",
                    "name the issue's .md or .txt file");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failure(path, $"the file cannot be read: {e.Message}", "check its permissions");
        }
        return SourceTextDecoder.Decode(bytes, path);
    }

    /// <summary>Parses issue bytes as if read from <paramref name="path"/>, whose extension chooses the format.</summary>
    public static IssueParseResult Read(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length > MaxFileBytes)
        {
            return Fail(path, $"the file is {bytes.Length / 1024 / 1024} MiB, too large for an issue (at most {MaxFileBytes / 1024 / 1024} MiB)",
                "name the issue's .md or .txt file");
        }
        var decoded = SourceTextDecoder.Decode(bytes, path);
        return decoded.Error is not null ? new IssueParseResult(null, [decoded.Error]) : Parse(decoded.Text!, path);
    }

    /// <summary>
    /// Parses already decoded <paramref name="text"/> as the kind of issue the extension of <paramref name="path"/> names.
    /// A line longer than <see cref="InputLimits.MaxIssueLineChars"/> is an error before any parser sees the text.
    /// </summary>
    public static IssueParseResult Parse(string text, string path) => LongLine(text, path) is { } tooLong
        ? new IssueParseResult(null, [tooLong])
        : KindOf(path) switch
    {
        IssueFileKind.Markdown => new IssueParser().Parse(text, path),
        IssueFileKind.BulletinText => new BulletinTextImporter().Import(text, path).ToParseResult(),
        _ => Fail(path, $"'{Path.GetExtension(path)}' is not an issue file extension",
            "name a Markdown issue (.md) or the plain-text bulletin (.txt)"),
    };

    /// <summary>The first line longer than <see cref="InputLimits.MaxIssueLineChars"/>, as an error; null when there is none.</summary>
    internal static SourceError? LongLine(string text, string path)
    {
        var line = 1;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not '\n' and not '\r')
            {
                continue;
            }
            if (i - start > InputLimits.MaxIssueLineChars)
            {
                return new SourceError(path, line, $"the line is {i - start:N0} characters long, more than {InputLimits.MaxIssueLineChars:N0}",
                    "break the text into paragraphs (a blank line between them)");
            }
            if (i < text.Length - 1 && text[i] == '\r' && text[i + 1] == '\n')
            {
                i++;
            }
            line++;
            start = i + 1;
        }
        return null;
    }

    /// <summary>The format <paramref name="path"/>'s extension names, or null for an unknown extension.</summary>
    public static IssueFileKind? KindOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return MarkdownExtensions.Contains(extension) ? IssueFileKind.Markdown
            : TextExtensions.Contains(extension) ? IssueFileKind.BulletinText
            : null;
    }

    private static SourceTextDecoder.Result Failure(string path, string message, string hint) =>
        new(null, null, new SourceError(path, 0, message, hint));

    private static IssueParseResult Fail(string path, string message, string hint) =>
        new(null, [new SourceError(path, 0, message, hint)]);
}

/// <summary>The two issue source formats.</summary>
public enum IssueFileKind
{
    /// <summary>Markdown with YAML front matter (<c>.md</c>).</summary>
    Markdown,

    /// <summary>The plain-text bulletin as received (<c>.txt</c>).</summary>
    BulletinText,
}
