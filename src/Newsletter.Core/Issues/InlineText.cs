using System.Text;
using Markdig.Syntax.Inlines;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Turns Markdown inlines into the two forms a <see cref="Paragraph"/> carries: plain text and safe inline HTML
/// (escaped text, <c>&lt;a href&gt;</c>, <c>&lt;strong&gt;</c>, <c>&lt;em&gt;</c> and nothing else).
/// </summary>
internal static class InlineText
{
    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    private static string TooDeep => Texts.Format("core.issue.inline_too_deep", InputLimits.MaxInlineNesting);

    // Marks a soft line break until both neighbours are known; never occurs in decoded text (a C0 control).
    private const char Break = '\u0001';

    /// <summary>The plain text and HTML of <paramref name="inline"/>; problems (raw HTML, images, unsafe links) go to <paramref name="problems"/>.</summary>
    public static (string Text, string Html) Render(ContainerInline? inline, List<string> problems)
    {
        var text = new StringBuilder();
        var html = new StringBuilder();
        if (inline is not null)
        {
            Walk(inline, text, html, problems, 0);
        }
        return JoinBreaks(text.ToString().Trim(), html.ToString().Trim());
    }

    /// <summary>Escapes text for HTML element content and attribute values.</summary>
    public static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    // Recursion is bounded by InputLimits.MaxInlineNesting: `*` × 160,000 + `a` + `*` × 160,000 nests that deep and
    // would overflow the stack (which no handler can catch) rather than be reported.
    private static void Walk(ContainerInline container, StringBuilder text, StringBuilder html, List<string> problems, int depth)
    {
        if (depth > InputLimits.MaxInlineNesting)
        {
            if (!problems.Contains(TooDeep))
            {
                problems.Add(TooDeep);
            }
            return;
        }
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    Append(literal.Content.ToString(), text, html);
                    break;
                case CodeInline code:
                    Append(code.Content, text, html);
                    break;
                case HtmlEntityInline entity:
                    Append(entity.Transcoded.ToString(), text, html);
                    break;
                case LineBreakInline:
                    text.Append(Break);
                    html.Append(Break);
                    break;
                case EmphasisInline emphasis:
                    var tag = emphasis.DelimiterCount >= 2 ? "strong" : "em";
                    html.Append('<').Append(tag).Append('>');
                    Walk(emphasis, text, html, problems, depth + 1);
                    html.Append("</").Append(tag).Append('>');
                    break;
                case LinkInline { IsImage: true } image:
                    problems.Add(Texts.Format("core.issue.no_images", image.Url));
                    break;
                case LinkInline link:
                    var url = link.GetDynamicUrl?.Invoke() ?? link.Url ?? "";
                    var linkText = new StringBuilder();
                    var linkHtml = new StringBuilder();
                    Walk(link, linkText, linkHtml, problems, depth + 1);
                    AppendLink(url, linkText.ToString(), linkHtml.ToString(), text, html, problems);
                    break;
                case AutolinkInline autolink:
                    AppendLink(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url, autolink.Url,
                        Encode(autolink.Url), text, html, problems);
                    break;
                case HtmlInline raw when raw.Tag.StartsWith("<!--", StringComparison.Ordinal) || raw.Tag.StartsWith("</", StringComparison.Ordinal):
                    break; // comments are notes to the editor, never shown; a closing tag was reported with its opening one
                case HtmlInline raw:
                    problems.Add(Texts.Format("core.issue.raw_html", raw.Tag));
                    break;
                case ContainerInline nested:
                    Walk(nested, text, html, problems, depth + 1);
                    break;
                default:
                    Append(inline.ToString() ?? "", text, html);
                    break;
            }
        }
    }

    private static void Append(string value, StringBuilder text, StringBuilder html)
    {
        text.Append(value);
        html.Append(Encode(value));
    }

    private static void AppendLink(string url, string linkText, string linkHtml, StringBuilder text, StringBuilder html,
        List<string> problems)
    {
        var colon = url.IndexOf(':');
        var scheme = colon > 0 ? url[..colon].ToLowerInvariant() : "";
        if (!AllowedSchemes.Contains(scheme))
        {
            problems.Add(Texts.Format("core.issue.bad_link", url));
            text.Append(linkText);
            html.Append(linkHtml);
            return;
        }
        var shown = url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? url[7..] : url;
        text.Append(linkText == shown || linkText.Length == 0 ? shown : $"{linkText} ({shown})");
        html.Append("<a href=\"").Append(Encode(url)).Append("\">")
            .Append(linkHtml.Length == 0 ? Encode(shown) : linkHtml).Append("</a>");
    }

    /// <summary>
    /// Replaces each soft line break by a space, or by nothing between CJK characters and next to CJK punctuation,
    /// where a space would show as a gap in the sentence.
    /// </summary>
    private static (string Text, string Html) JoinBreaks(string text, string html)
    {
        if (!text.Contains(Break))
        {
            return (text, html);
        }
        var joins = new Queue<string>();
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != Break)
            {
                plain.Append(text[i]);
                continue;
            }
            var before = plain.Length > 0 ? plain[^1] : ' ';
            var next = i + 1 < text.Length ? text[i + 1] : ' ';
            var join = (IsCjk(before) && IsCjk(next)) || IsCjkPunctuation(before) || IsCjkPunctuation(next) ? "" : " ";
            joins.Enqueue(join);
            plain.Append(join);
        }
        var rich = new StringBuilder(html.Length);
        foreach (var c in html)
        {
            rich.Append(c == Break ? joins.Count > 0 ? joins.Dequeue() : " " : c.ToString());
        }
        return (plain.ToString(), rich.ToString());
    }

    private static bool IsCjk(char c) =>
        c is >= '\u2E80' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF' or >= '\uFF00' and <= '\uFFEF' || char.IsSurrogate(c)
        || IsCjkPunctuation(c);

    private static bool IsCjkPunctuation(char c) =>
        c is >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFF0F' or >= '\uFF1A' and <= '\uFF20'
            or '\u2014' or '\u2018' or '\u2019' or '\u201C' or '\u201D' or '\u2026';
}
