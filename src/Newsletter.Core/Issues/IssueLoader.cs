namespace Newsletter.Core.Issues;

/// <summary>
/// Reads an issue file: <c>.md</c> (Markdown with front matter) through <see cref="IssueParser"/>, <c>.txt</c> (the
/// plain-text bulletin as received) through <see cref="BulletinTextImporter"/>. Encodings as <see cref="SourceTextDecoder"/>.
/// </summary>
public static class IssueLoader
{
    /// <summary>Largest issue file read; a bulletin is tens of kilobytes.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

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
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(path, Directory.Exists(path) ? "this is a folder, not an issue file" : "the file does not exist",
                    "check the path");
            }
            if (info.Length > MaxFileBytes)
            {
                return Fail(path, $"the file is {info.Length / 1024 / 1024} MiB, too large for an issue", "name the issue's .md or .txt file");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"the file cannot be read: {e.Message}", "check its permissions");
        }
        return Read(bytes, path);
    }

    /// <summary>Parses issue bytes as if read from <paramref name="path"/>, whose extension chooses the format.</summary>
    public static IssueParseResult Read(ReadOnlySpan<byte> bytes, string path)
    {
        var decoded = SourceTextDecoder.Decode(bytes, path);
        if (decoded.Error is not null)
        {
            return new IssueParseResult(null, [decoded.Error]);
        }
        return KindOf(path) switch
        {
            IssueFileKind.Markdown => new IssueParser().Parse(decoded.Text!, path),
            IssueFileKind.BulletinText => new BulletinTextImporter().Import(decoded.Text!, path).ToParseResult(),
            _ => Fail(path, $"'{Path.GetExtension(path)}' is not an issue file extension",
                "name a Markdown issue (.md) or the plain-text bulletin (.txt)"),
        };
    }

    /// <summary>The format <paramref name="path"/>'s extension names, or null for an unknown extension.</summary>
    public static IssueFileKind? KindOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return MarkdownExtensions.Contains(extension) ? IssueFileKind.Markdown
            : TextExtensions.Contains(extension) ? IssueFileKind.BulletinText
            : null;
    }

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
