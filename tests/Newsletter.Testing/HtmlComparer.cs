using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Testing;

/// <summary>The outcome of comparing two HTML documents: equal, or where the token streams first differ.</summary>
/// <param name="Equal">True when the normalised token streams are identical.</param>
/// <param name="Index">Index of the first differing token (-1 when equal).</param>
/// <param name="Expected">Up to five expected tokens around the difference.</param>
/// <param name="Actual">Up to five actual tokens around the difference.</param>
/// <param name="TokenCount">Number of expected tokens.</param>
public sealed record HtmlComparison(bool Equal, int Index, IReadOnlyList<string> Expected, IReadOnlyList<string> Actual, int TokenCount)
{
    public override string ToString() => Equal
        ? $"equal ({TokenCount} tokens)"
        : $"first difference at token {Index}:\n  expected: {string.Join(" | ", Expected)}\n  actual:   {string.Join(" | ", Actual)}";
}

/// <summary>
/// Structural comparison of MJML output, a port of the corpus's <c>tools/normalize.js</c> (its exact definition):
/// whitespace-only text dropped and runs collapsed, attributes sorted, classes as sets, inline styles and
/// &lt;style&gt; bodies normalised, Outlook conditional comments parsed and adjacent identical ones merged,
/// random ids of carousel/navbar/accordion mapped to ID0, ID1… in order of appearance.
/// </summary>
public static partial class HtmlComparer
{
    [GeneratedRegex("^[0-9a-f]{8,16}$", RegexOptions.IgnoreCase)]
    private static partial Regex RandomId();

    [GeneratedRegex("(mj-carousel-(?:radio-)?)([0-9a-f]{16})", RegexOptions.IgnoreCase)]
    private static partial Regex CarouselId();

    [GeneratedRegex(@"/\*[\s\S]*?\*/")]
    private static partial Regex CssComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\s*([{}:;,>~+])\s*")]
    private static partial Regex CssPunctuation();

    [GeneratedRegex(@"\s*!\s*important")]
    private static partial Regex Important();

    [GeneratedRegex(@"\s*([,/])\s*")]
    private static partial Regex CommaSlash();

    [GeneratedRegex(@"^\[if ([^\]]+)\]><!$")]
    private static partial Regex IfRevealed();

    [GeneratedRegex(@"^<!\[endif\]$")]
    private static partial Regex EndIf();

    [GeneratedRegex(@"^\[if ([^\]]+)\]>([\s\S]*)<!\[endif\]$")]
    private static partial Regex IfBlock();

    /// <summary>Compares <paramref name="expected"/> with <paramref name="actual"/>.</summary>
    public static HtmlComparison Compare(string expected, string actual, bool ignoreComments = false)
    {
        var a = Tokens(expected, ignoreComments);
        var b = Tokens(actual, ignoreComments);
        var n = Math.Max(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var x = i < a.Count ? a[i] : null;
            var y = i < b.Count ? b[i] : null;
            if (x != y)
            {
                return new HtmlComparison(false, i, Slice(a, i), Slice(b, i), a.Count);
            }
        }
        return new HtmlComparison(true, -1, [], [], a.Count);
    }

    private static List<string> Slice(List<string> list, int i)
    {
        var start = Math.Max(0, i - 2);
        var end = Math.Min(list.Count, i + 3);
        return start >= end ? [] : list.GetRange(start, end - start);
    }

    /// <summary>CSS text normalised as in normalize.js (comments removed, whitespace normalised).</summary>
    public static string NormalizeCss(string css)
    {
        css = CssComment().Replace(css, "");
        css = Whitespace().Replace(css, " ");
        css = CssPunctuation().Replace(css, "$1");
        css = Important().Replace(css, "!important");
        css = css.Replace(";}", "}", StringComparison.Ordinal);
        return css.Trim(' ', '\t', '\n', '\r', '\f', '\v');
    }

    /// <summary>An inline style normalised as in normalize.js (declaration order kept).</summary>
    public static string NormalizeStyleAttribute(string value)
    {
        var parts = new List<string>();
        foreach (var raw in value.Split(';'))
        {
            var d = raw.Trim();
            if (d.Length == 0) continue;
            var i = d.IndexOf(':', StringComparison.Ordinal);
            if (i < 0)
            {
                parts.Add(d);
                continue;
            }
            var property = d[..i].Trim().ToLowerInvariant();
            var v = d[(i + 1)..].Trim();
            v = Whitespace().Replace(v, " ");
            v = Important().Replace(v, "!important", 1);
            v = CommaSlash().Replace(v, "$1");
            parts.Add(property + ":" + v);
        }
        return string.Join(';', parts);
    }

    /// <summary>The canonical token list of <paramref name="html"/>.</summary>
    public static List<string> Tokens(string html, bool ignoreComments = false)
    {
        var idMap = new Dictionary<string, string>(StringComparer.Ordinal);
        string Ids(string v)
        {
            if (!idMap.TryGetValue(v, out var id))
            {
                id = "ID" + idMap.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                idMap[v] = id;
            }
            return id;
        }
        html = CarouselId().Replace(html, m => m.Groups[1].Value + Ids(m.Groups[2].Value));
        var output = new List<string>();

        void PushText(string t)
        {
            if (output.Count > 0 && output[^1].StartsWith("#text ", StringComparison.Ordinal)) output[^1] += t;
            else output.Add("#text " + t);
        }

        void Run(string source)
        {
            var tokenizer = new HtmlTokenizer
            {
                OnOpenTag = (name, attributes) =>
                {
                    var at = NormalizeAttributes(attributes, Ids);
                    output.Add(at.Length > 0 ? $"<{name} {at}>" : $"<{name}>");
                },
                OnCloseTag = name => output.Add($"</{name}>"),
                OnText = PushText,
                OnComment = c =>
                {
                    var trimmed = c.Trim();
                    Match m;
                    if ((m = IfRevealed().Match(trimmed)).Success) output.Add("#if-revealed " + m.Groups[1].Value.Trim());
                    else if (EndIf().IsMatch(trimmed)) output.Add("#endif");
                    else if ((m = IfBlock().Match(trimmed)).Success)
                    {
                        output.Add("#if " + m.Groups[1].Value.Trim());
                        Run(m.Groups[2].Value);
                        output.Add("#endif");
                    }
                    else if (!ignoreComments) output.Add("#comment " + Whitespace().Replace(c, " ").Trim());
                },
            };
            tokenizer.Parse(source);
        }

        Run(html);
        var result = new List<string>(output.Count);
        foreach (var token in output)
        {
            var t = token;
            if (t.StartsWith("#text ", StringComparison.Ordinal))
            {
                var previous = result.Count > 0 ? result[^1] : "";
                var body = t[6..];
                body = previous.StartsWith("<style", StringComparison.Ordinal) ? NormalizeCss(body) : Whitespace().Replace(body, " ").Trim();
                if (body.Length == 0) continue;
                t = "#text " + body;
            }
            if (t.StartsWith("#if ", StringComparison.Ordinal) && result.Count > 0 && result[^1] == "#endif")
            {
                var j = result.Count - 2;
                while (j >= 0 && !result[j].StartsWith("#if ", StringComparison.Ordinal)) j--;
                if (j >= 0 && result[j] == t)
                {
                    result.RemoveAt(result.Count - 1);
                    continue;
                }
            }
            result.Add(t);
        }
        return result;
    }

    private static string NormalizeAttributes(List<KeyValuePair<string, string>> attributes, Func<string, string> ids)
    {
        var kept = new List<KeyValuePair<string, string>>(attributes.Count);
        foreach (var pair in attributes)
        {
            if ((pair.Key == "style" || pair.Key == "class") && pair.Value.Trim().Length == 0) continue;
            kept.Add(pair);
        }
        kept.Sort((x, y) => string.CompareOrdinal(x.Key, y.Key));
        var sb = new StringBuilder();
        foreach (var (key, raw) in kept)
        {
            string v;
            if (key == "style") v = NormalizeStyleAttribute(raw);
            else if (key == "class")
            {
                var classes = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                Array.Sort(classes, StringComparer.Ordinal);
                v = string.Join(' ', classes);
            }
            else v = raw.Trim();
            if ((key == "id" || key == "for" || key == "name") && RandomId().IsMatch(v)) v = ids(v);
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(key).Append("=\"").Append(v).Append('"');
        }
        return sb.ToString();
    }
}
