using System.Net;
using System.Text.RegularExpressions;

namespace Newsletter.Core.Figures;

/// <summary>A link of an issue's HTML that tracking redirects: its number (from 1, in document order), target and text.</summary>
public sealed record TrackedLink(int Number, string Url, string Text);

/// <summary>
/// The links of a variant's HTML that click tracking rewrites and the figures name: <c>&lt;a href="http(s)://…"&gt;</c> in
/// document order. Not the recipient's own links (unsubscribe, web view: slots), anchors or <c>mailto:</c>. The
/// numbering is the same whenever the stored HTML is read, so a click's link number names the same link in the figures.
/// </summary>
public static partial class TrackedLinks
{
    /// <summary>Every trackable link of <paramref name="html"/>.</summary>
    public static IReadOnlyList<TrackedLink> Find(string html)
    {
        var links = new List<TrackedLink>();
        foreach (Match match in Anchor().Matches(html))
        {
            links.Add(new TrackedLink(links.Count + 1, WebUtility.HtmlDecode(match.Groups["url"].Value), Text(match.Groups["text"].Value)));
        }
        return links;
    }

    /// <summary>
    /// <paramref name="html"/> with the href of each trackable link replaced by <paramref name="redirect"/>(link number),
    /// which must return an attribute-safe URL, or null to leave that link as it is.
    /// </summary>
    public static string Rewrite(string html, Func<int, string?> redirect)
    {
        var number = 0;
        return Anchor().Replace(html, match =>
        {
            number++;
            var url = match.Groups["url"];
            return redirect(number) is { } target
                ? string.Concat(match.Value.AsSpan(0, url.Index - match.Index), target, match.Value.AsSpan(url.Index - match.Index + url.Length))
                : match.Value;
        });
    }

    private static string Text(string inner)
    {
        var text = WebUtility.HtmlDecode(Tags().Replace(inner, " "));
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    [GeneratedRegex("""<a\b[^>]*?\bhref\s*=\s*"(?<url>https?://[^"\[]*)"[^>]*>(?<text>.*?)</a\s*>""",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Anchor();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Tags();
}
