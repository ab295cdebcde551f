using System.Collections.Concurrent;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Issues;

/// <summary>An uploaded issue as read now: the parsed issue (when readable), every mistake, and for the plain-text bulletin the import decisions.</summary>
public sealed record IssueReviewResult(Issue? Issue, IReadOnlyList<SourceError> Errors, string? ImportedMarkdown,
    IReadOnlyList<ImportDecision> Unsure, IReadOnlyList<Segment> Known)
{
    public bool IsValid => Issue is not null && Errors.Count == 0;

    /// <summary>The segment keys the issue is meant for (its audiences), in order.</summary>
    public IReadOnlyList<string> AudienceKeys => Issue is null
        ? []
        : [.. Issue.Metadata.Audiences.Select(a => Segments.TryResolve(a, Known, out var k) ? k : null).OfType<string>().Distinct()];
}

/// <summary>
/// Reads, validates and composes uploaded issues for the admin pages. Composition (MJML) is the expensive part,
/// so composed variants are cached per file and segment until the file changes.
/// </summary>
public sealed class IssueReview(IssueIntake intake, BulletinComposer composer)
{
    private readonly ConcurrentDictionary<(string Path, DateTime Written, string Segment), ComposedVariant> _composed = new();

    public async Task<IssueReviewResult> ReadAsync(string path, CancellationToken ct)
    {
        // The same intake as issue validate and publish: the store's segments, admin-defined ones included.
        var read = await intake.ReadAsync(path, ct);
        string? markdown = null;
        IReadOnlyList<ImportDecision> unsure = [];
        if (IssueLoader.KindOf(path) == IssueFileKind.BulletinText && read.SourceText is { } text)
        {
            var imported = new BulletinTextImporter().Import(text, path);
            markdown = imported.Markdown;
            unsure = [.. imported.Unsure];
        }
        else if (IssueLoader.KindOf(path) == IssueFileKind.WordDocument && IssueLoader.ReadBytes(path, out var error) is var bytes && error is null)
        {
            var imported = new BulletinWordImporter().Import(bytes, path);
            markdown = imported.Markdown;
            unsure = [.. imported.Unsure];
        }
        return new IssueReviewResult(read.Issue, read.Errors, markdown, unsure, read.Known);
    }

    /// <summary>The compiled variant of <paramref name="segmentKey"/>; null when the issue does not validate.</summary>
    /// <exception cref="TemplateException">The layout cannot be composed.</exception>
    public async Task<ComposedVariant?> ComposeAsync(string path, string segmentKey, CancellationToken ct)
    {
        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
        if (_composed.TryGetValue((path, written, segmentKey), out var cached)) return cached;
        var review = await ReadAsync(path, ct);
        if (!review.IsValid || review.Known.All(s => s.Key != segmentKey)) return null;
        var variant = composer.Compose(review.Issue!, IssuePublisher.Variant(segmentKey, review.Known));
        _composed[(path, written, segmentKey)] = variant;
        return variant;
    }

    /// <summary>The preview HTML of a variant, filled with <see cref="RecipientValues.Sample"/>.</summary>
    public async Task<string?> PreviewAsync(string path, string segmentKey, CancellationToken ct) =>
        await ComposeAsync(path, segmentKey, ct) is { } variant ? variant.Html.Render(RecipientValues.Sample, htmlEscape: true) : null;
}
