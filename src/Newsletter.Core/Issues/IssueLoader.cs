using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Reads an issue file: <c>.md</c> (Markdown with front matter) through <see cref="IssueParser"/>, <c>.txt</c> (the
/// plain-text bulletin as received) through <see cref="BulletinTextImporter"/>, <c>.docx</c> (the bulletin written in Word
/// or WPS) through <see cref="BulletinWordImporter"/>. Encodings as <see cref="SourceTextDecoder"/>.
/// </summary>
public static class IssueLoader
{
    /// <summary>Largest issue file read (<see cref="InputLimits.MaxUploadBytes"/>); a bulletin is tens of kilobytes.</summary>
    public const long MaxFileBytes = InputLimits.MaxUploadBytes;

    /// <summary>The extensions read as Markdown.</summary>
    public static IReadOnlyList<string> MarkdownExtensions { get; } = [".md", ".markdown"];

    /// <summary>The extensions read as the plain-text bulletin.</summary>
    public static IReadOnlyList<string> TextExtensions { get; } = [".txt"];

    /// <summary>The extensions read as a Word document.</summary>
    public static IReadOnlyList<string> WordExtensions { get; } = [".docx"];

    /// <summary>The extensions whose files get a clear "save it as .docx" (Word 97–2003, WPS) rather than "unknown extension".</summary>
    public static IReadOnlyList<string> LegacyWordExtensions { get; } = [".doc", ".wps"];

    /// <summary>The HTML <c>accept</c> list of an issue upload.</summary>
    public static string UploadAccept => string.Join(',', MarkdownExtensions.Concat(TextExtensions).Concat(WordExtensions).Concat(LegacyWordExtensions));

    /// <summary>Reads and parses the issue at <paramref name="path"/>; every problem (missing file included) is an error in the result.</summary>
    public static IssueParseResult Load(string path)
    {
        if (KindOf(path) is null)
        {
            return UnknownExtension(path);
        }
        if (KindOf(path) == IssueFileKind.WordDocument)
        {
            var bytes = ReadBytes(path, out var error);
            return error is not null ? new IssueParseResult(null, [error]) : new BulletinWordImporter().Import(bytes, path).ToParseResult();
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
        var bytes = ReadBytes(path, out var error);
        return error is not null ? new SourceTextDecoder.Result(null, null, error) : SourceTextDecoder.Decode(bytes, path);
    }

    /// <summary>The bytes of the file at <paramref name="path"/>; empty with <paramref name="error"/> when it is missing, unreadable or oversized.</summary>
    public static byte[] ReadBytes(string path, out SourceError? error)
    {
        error = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = new SourceError(path, 0, Texts.Get(Directory.Exists(path) ? "core.file.is_folder" : "core.file.missing"),
                    Texts.Get("core.file.missing_hint"));
                return [];
            }
            if (info.Length > MaxFileBytes)
            {
                error = new SourceError(path, 0, Texts.Format("core.file.too_large", info.Length / 1024 / 1024, MaxFileBytes / 1024 / 1024),
                    Texts.Get("core.file.too_large_hint_docx"));
                return [];
            }
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = new SourceError(path, 0, Texts.Format("core.file.unreadable", e.Message), Texts.Get("core.file.unreadable_hint"));
            return [];
        }
    }

    /// <summary>Parses issue bytes as if read from <paramref name="path"/>, whose extension chooses the format.</summary>
    public static IssueParseResult Read(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length > MaxFileBytes)
        {
            return Fail(path, Texts.Format("core.file.too_large", bytes.Length / 1024 / 1024, MaxFileBytes / 1024 / 1024),
                Texts.Get("core.file.too_large_hint"));
        }
        switch (KindOf(path))
        {
            case null:
                return UnknownExtension(path);
            case IssueFileKind.WordDocument:
                return new BulletinWordImporter().Import(bytes, path).ToParseResult();
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
        _ => UnknownExtension(path),
    };

    /// <summary>The error for a file whose extension names no issue format; a Word 97–2003 file is told to be saved as .docx.</summary>
    public static IssueParseResult UnknownExtension(string path) =>
        LegacyWordExtensions.Contains(Path.GetExtension(path).ToLowerInvariant())
            ? Fail(path, Texts.Format("core.file.legacy_word", Path.GetExtension(path)), Texts.Get("core.file.legacy_word_hint"))
            : Fail(path, Texts.Format("core.file.unknown_extension", Path.GetExtension(path)), Texts.Get("core.file.unknown_extension_hint"));

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
                return new SourceError(path, line, Texts.Format("core.file.long_line", i - start, InputLimits.MaxIssueLineChars),
                    Texts.Get("core.file.long_line_hint"));
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
            : WordExtensions.Contains(extension) ? IssueFileKind.WordDocument
            : null;
    }

    private static IssueParseResult Fail(string path, string message, string hint) =>
        new(null, [new SourceError(path, 0, message, hint)]);
}

/// <summary>The issue source formats.</summary>
public enum IssueFileKind
{
    /// <summary>Markdown with YAML front matter (<c>.md</c>).</summary>
    Markdown,

    /// <summary>The plain-text bulletin as received (<c>.txt</c>).</summary>
    BulletinText,

    /// <summary>The bulletin written in Word or WPS (<c>.docx</c>), imported like the plain-text one.</summary>
    WordDocument,
}
