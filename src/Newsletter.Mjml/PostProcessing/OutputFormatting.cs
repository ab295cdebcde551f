using System.Text;

namespace Newsletter.Mjml.PostProcessing;

/// <summary>One token of the output for the formatters: a tag, a comment, raw text of style/script/pre, or text.</summary>
internal readonly record struct HtmlToken(HtmlTokenKind Kind, string Text, string? Name = null);

internal enum HtmlTokenKind
{
    StartTag,
    EndTag,
    Comment,
    Text,
    RawText,
    Doctype,
}

internal static class HtmlTokens
{
    private static readonly HashSet<string> RawTextElements = new(StringComparer.Ordinal) { "style", "script", "pre", "textarea" };

    public static List<HtmlToken> Split(string html)
    {
        var tokens = new List<HtmlToken>();
        var i = 0;
        var n = html.Length;
        while (i < n)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                tokens.Add(new(HtmlTokenKind.Text, html[i..]));
                break;
            }
            if (lt > i) tokens.Add(new(HtmlTokenKind.Text, html[i..lt]));
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                var stop = end < 0 ? n : end + 3;
                tokens.Add(new(HtmlTokenKind.Comment, html[lt..stop]));
                i = stop;
                continue;
            }
            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0 || lt + 1 >= n || !(char.IsAsciiLetter(html[lt + 1]) || html[lt + 1] is '/' or '!'))
            {
                tokens.Add(new(HtmlTokenKind.Text, html[lt..(gt < 0 ? n : lt + 1)]));
                i = gt < 0 ? n : lt + 1;
                continue;
            }
            var tag = html[lt..(gt + 1)];
            if (html[lt + 1] == '!')
            {
                tokens.Add(new(HtmlTokenKind.Doctype, tag));
                i = gt + 1;
                continue;
            }
            var isEnd = html[lt + 1] == '/';
            var nameStart = lt + (isEnd ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < gt && !char.IsWhiteSpace(html[nameEnd]) && html[nameEnd] != '/' && html[nameEnd] != '>') nameEnd++;
            var name = html[nameStart..nameEnd].ToLowerInvariant();
            tokens.Add(new(isEnd ? HtmlTokenKind.EndTag : HtmlTokenKind.StartTag, tag, name));
            i = gt + 1;
            if (!isEnd && RawTextElements.Contains(name) && !tag.EndsWith("/>", StringComparison.Ordinal))
            {
                var close = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                var stop = close < 0 ? n : close;
                if (stop > i) tokens.Add(new(HtmlTokenKind.RawText, html[i..stop], name));
                i = stop;
            }
        }
        return tokens;
    }

    public static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    };
}

/// <summary>
/// The --minify output: whitespace between tags dropped, other whitespace runs collapsed, CSS in &lt;style&gt; compacted,
/// empty style/class attributes removed (mjml runs htmlnano with collapseWhitespace, minifyCss and removeEmptyAttributes).
/// </summary>
internal static class HtmlMinifier
{
    public static string Minify(string html, bool keepComments)
    {
        var sb = new StringBuilder(html.Length);
        foreach (var token in HtmlTokens.Split(html))
        {
            switch (token.Kind)
            {
                case HtmlTokenKind.Text:
                    if (string.IsNullOrWhiteSpace(token.Text))
                    {
                        if (!token.Text.Contains('\n', StringComparison.Ordinal)) sb.Append(' ');
                    }
                    else
                    {
                        AppendCollapsed(sb, token.Text);
                    }
                    break;
                case HtmlTokenKind.RawText:
                    sb.Append(token.Name == "style" ? MinifyCss(token.Text) : token.Text);
                    break;
                case HtmlTokenKind.StartTag:
                    sb.Append(token.Text.Replace(" style=\"\"", "", StringComparison.Ordinal).Replace(" class=\"\"", "", StringComparison.Ordinal));
                    break;
                case HtmlTokenKind.Comment:
                    if (keepComments || token.Text.StartsWith("<!--[if", StringComparison.Ordinal) || token.Text.StartsWith("<!--<![endif]", StringComparison.Ordinal))
                    {
                        sb.Append(token.Text);
                    }
                    break;
                default:
                    sb.Append(token.Text);
                    break;
            }
        }
        return sb.ToString();
    }

    private static void AppendCollapsed(StringBuilder sb, string text)
    {
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) && c != '\u00a0')
            {
                space = true;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        if (space) sb.Append(' ');
    }

    /// <summary>Comments removed, whitespace collapsed, none around braces and semicolons or after colons and commas.</summary>
    internal static string MinifyCss(string css)
    {
        var sb = new StringBuilder(css.Length);
        var i = 0;
        var depth = 0;
        while (i < css.Length)
        {
            if (i + 1 < css.Length && css[i] == '/' && css[i + 1] == '*')
            {
                var end = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? css.Length : end + 2;
                continue;
            }
            var c = css[i];
            if (c is '"' or '\'')
            {
                var end = css.IndexOf(c, i + 1);
                var stop = end < 0 ? css.Length : end + 1;
                sb.Append(css, i, stop - i);
                i = stop;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                while (i < css.Length && char.IsWhiteSpace(css[i])) i++;
                var next = i < css.Length ? css[i] : '\0';
                var previous = sb.Length > 0 ? sb[^1] : '{';
                if (previous is '{' or '}' or ';' or ':' or ',' || next is '{' or '}' or ';' or ',' or '\0') continue;
                if (next == ':' && depth > 0 && IsDeclaration(css, i)) continue;
                sb.Append(' ');
                continue;
            }
            if (c == '}' && sb.Length > 0 && sb[^1] == ';') sb.Length--;
            if (c == '{') depth++;
            else if (c == '}') depth = Math.Max(0, depth - 1);
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>A colon at <paramref name="at"/> separates a property from its value (not a selector's pseudo-class).</summary>
    private static bool IsDeclaration(string css, int at)
    {
        for (var k = at; k < css.Length; k++)
        {
            if (css[k] is ';' or '}') return true;
            if (css[k] == '{') return false;
        }
        return true;
    }
}

/// <summary>The --beautify output: one tag, comment or text per line, indented by nesting.</summary>
internal static class HtmlBeautifier
{
    public static string Beautify(string html)
    {
        var sb = new StringBuilder(html.Length * 2);
        var depth = 0;
        foreach (var token in HtmlTokens.Split(html))
        {
            switch (token.Kind)
            {
                case HtmlTokenKind.Text:
                    var text = token.Text.Trim();
                    if (text.Length > 0) Line(sb, depth, text);
                    break;
                case HtmlTokenKind.RawText:
                    if (token.Name is "pre" or "textarea") sb.Append(token.Text);
                    else
                    {
                        foreach (var line in token.Text.Split('\n'))
                        {
                            if (line.Trim().Length > 0) Line(sb, depth + 1, line.Trim());
                        }
                    }
                    break;
                case HtmlTokenKind.StartTag:
                    Line(sb, depth, token.Text);
                    if (!HtmlTokens.VoidElements.Contains(token.Name!) && !token.Text.EndsWith("/>", StringComparison.Ordinal)) depth++;
                    break;
                case HtmlTokenKind.EndTag:
                    depth = Math.Max(0, depth - 1);
                    Line(sb, depth, token.Text);
                    break;
                default:
                    Line(sb, depth, token.Text);
                    break;
            }
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int depth, string text)
    {
        if (sb.Length > 0) sb.Append('\n');
        sb.Append(' ', Math.Min(depth, 40) * 2).Append(text);
    }
}
