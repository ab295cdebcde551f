using Newsletter.Core.Issues;

namespace Newsletter.Core.Composition;

/// <summary>
/// What one audience sees of an issue: the sections not restricted to other audiences. The variant key is the
/// segment key (e.g. <c>county</c>); <paramref name="IsInAudience"/> decides whether a section's audience list
/// (as written, key or Chinese name) includes it.
/// </summary>
public sealed record IssueVariant(string Key, string DisplayName, Func<string, bool> IsInAudience)
{
    /// <summary>The sections this variant shows, in order.</summary>
    public IReadOnlyList<Section> SectionsOf(Issue issue) =>
        [.. issue.Sections.Where(s => s.Audiences.Count == 0 || s.Audiences.Any(IsInAudience))];
}
