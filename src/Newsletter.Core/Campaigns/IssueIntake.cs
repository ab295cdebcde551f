using Newsletter.Core.Audience;
using Newsletter.Core.Issues;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Campaigns;

/// <summary>
/// An issue file as read and checked: the issue (when it parses), every mistake (file:line, errors as data), the
/// segments known to the store, and the decoded source a campaign or ready issue keeps.
/// </summary>
/// <param name="SourceText">The decoded source; null when the file could not be read.</param>
public sealed record IssueIntakeResult(Issue? Issue, IReadOnlyList<SourceError> Errors, IReadOnlyList<Segment> Known, string? SourceText)
{
    public bool IsValid => Issue is not null && Errors.Count == 0;
}

/// <summary>
/// The one way an issue file comes in — <c>issue validate</c>, <c>publish</c>, <c>schedule</c>, <c>issue ready</c> and the
/// web's review all read through it: decode once (UTF-8 or GBK), parse (Markdown or the plain-text bulletin), and
/// validate against the segments in the store, so an admin-defined segment is accepted wherever the built-in ones are.
/// </summary>
public sealed class IssueIntake(ISubscriberStore subscribers)
{
    /// <summary>Reads and validates <paramref name="path"/>; every problem, a missing file included, is an error in the result.</summary>
    public async Task<IssueIntakeResult> ReadAsync(string path, CancellationToken ct = default)
    {
        var known = await subscribers.ListSegmentsAsync(ct);
        var kind = IssueLoader.KindOf(path);
        var text = kind switch
        {
            null => null,
            IssueFileKind.WordDocument => WordAsMarkdown(path),   // the campaign keeps the imported Markdown, not the .docx
            _ => IssueLoader.ReadText(path),
        };
        var parsed = text switch
        {
            null => IssueLoader.Load(path),   // not an issue file: Load says so
            { Error: { } error } => new IssueParseResult(null, [error]),
            _ when kind == IssueFileKind.WordDocument => IssueLoader.Parse(text.Text!, Path.ChangeExtension(path, ".md")),
            _ => IssueLoader.Parse(text.Text!, path),
        };
        var errors = parsed.Errors.ToList();
        if (parsed.Issue is null && errors.Count == 0)
        {
            errors.Add(new SourceError(path, 1, Texts.Get("core.issue.unreadable")));
        }
        if (parsed.Issue is not null && errors.Count == 0)
        {
            errors.AddRange(Validator(known).Check(parsed.Issue));
        }
        return new IssueIntakeResult(parsed.Issue, errors, known, text?.Text);
    }

    /// <summary>As <see cref="ReadAsync"/>, for a send: a file with mistakes is an exception.</summary>
    /// <exception cref="IssueRejectedException">The file cannot be read or has mistakes.</exception>
    public async Task<(Issue Issue, IReadOnlyList<Segment> Known, string SourceText)> LoadAsync(string path, CancellationToken ct = default)
    {
        var read = await ReadAsync(path, ct);
        if (!read.IsValid || read.SourceText is null)
        {
            throw new IssueRejectedException(read.Errors.Count > 0 ? read.Errors : [new SourceError(path, 1, Texts.Get("core.issue.unreadable"))]);
        }
        return (read.Issue!, read.Known, read.SourceText);
    }

    /// <summary>The validator that knows the store's segments by key, Chinese and English name.</summary>
    private static SourceTextDecoder.Result WordAsMarkdown(string path)
    {
        var bytes = IssueLoader.ReadBytes(path, out var error);
        if (error is not null)
        {
            return new SourceTextDecoder.Result(null, null, error);
        }
        var imported = new BulletinWordImporter().Import(bytes, path);
        return imported.Markdown is { } markdown
            ? new SourceTextDecoder.Result(markdown, "Word", null)
            : new SourceTextDecoder.Result(null, null, imported.Errors[0]);
    }

    public static IssueValidator Validator(IReadOnlyList<Segment> known) =>
        new(known.SelectMany(s => new[] { s.Key, s.NameZh, s.NameEn }));
}
