using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// A small port of htmlparser2's Parser in HTML mode (lower-cased names, self-closing tags recognised, entities
/// decoded), producing the open/close/text/comment events that <see cref="HtmlComparer"/> normalises. It keeps
/// htmlparser2's quirks that matter for equality: void elements close at once, <c>&lt;/br&gt;</c> and a stray
/// <c>&lt;/p&gt;</c> open and close, some opening tags close others, comments are not parsed.
/// Independent of the tokenizer in src/Newsletter.Mjml on purpose: the comparer judges the compiler's output, so a
/// bug in the compiler's tokenizer must not be able to hide itself by being shared with its judge.
/// </summary>
public sealed class HtmlTokenizer
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "image", "img", "input",
        "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

    private static readonly Dictionary<string, HashSet<string>> OpenImpliesClose = BuildImpliesClose();

    private readonly List<string> _stack = [];

    /// <summary>Receives an opening tag with its attributes (names lower-cased, first of duplicates kept, values decoded).</summary>
    public Action<string, List<KeyValuePair<string, string>>>? OnOpenTag { get; init; }

    public Action<string>? OnCloseTag { get; init; }

    public Action<string>? OnText { get; init; }

    public Action<string>? OnComment { get; init; }

    private static Dictionary<string, HashSet<string>> BuildImpliesClose()
    {
        var formTags = new HashSet<string> { "input", "option", "optgroup", "select", "button", "datalist", "textarea" };
        var p = new HashSet<string> { "p" };
        var sections = new HashSet<string> { "thead", "tbody" };
        var ddt = new HashSet<string> { "dd", "dt" };
        var rtp = new HashSet<string> { "rt", "rp" };
        var map = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["tr"] = ["tr", "th", "td"],
            ["th"] = ["th"],
            ["td"] = ["thead", "th", "td"],
            ["body"] = ["head", "link", "script"],
            ["li"] = ["li"],
            ["option"] = ["option"],
            ["optgroup"] = ["optgroup", "option"],
            ["dd"] = ddt,
            ["dt"] = ddt,
            ["rt"] = rtp,
            ["rp"] = rtp,
            ["tbody"] = sections,
            ["tfoot"] = sections,
        };
        foreach (var name in new[] { "select", "input", "output", "button", "datalist", "textarea" }) map[name] = formTags;
        foreach (var name in new[]
                 {
                     "p", "h1", "h2", "h3", "h4", "h5", "h6", "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
                     "figcaption", "figure", "footer", "form", "header", "hr", "main", "nav", "ol", "pre", "section", "table", "ul",
                 })
        {
            map[name] = p;
        }
        return map;
    }

    public void Parse(string html)
    {
        _stack.Clear();
        var n = html.Length;
        var textStart = 0;
        var i = 0;
        while (i < n)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= n) break;
            var c = html[lt + 1];
            if (c == '!')
            {
                Text(html, textStart, lt, decode: true);
                if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
                {
                    var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                    OnComment?.Invoke(end < 0 ? html[(lt + 4)..] : html[(lt + 4)..end]);
                    i = end < 0 ? n : end + 3;
                }
                else
                {
                    var end = html.IndexOf('>', lt + 2);
                    i = end < 0 ? n : end + 1;
                }
                textStart = i;
                continue;
            }
            if (c == '?')
            {
                Text(html, textStart, lt, decode: true);
                var end = html.IndexOf('>', lt + 2);
                i = end < 0 ? n : end + 1;
                textStart = i;
                continue;
            }
            if (c == '/')
            {
                if (lt + 2 < n && char.IsAsciiLetter(html[lt + 2]))
                {
                    Text(html, textStart, lt, decode: true);
                    var nameEnd = lt + 2;
                    while (nameEnd < n && !IsNameEnd(html[nameEnd])) nameEnd++;
                    CloseTag(html[(lt + 2)..nameEnd].ToLowerInvariant());
                    var gt = html.IndexOf('>', nameEnd);
                    i = gt < 0 ? n : gt + 1;
                    textStart = i;
                    continue;
                }
                i = lt + 1;
                continue;
            }
            if (!char.IsAsciiLetter(c))
            {
                i = lt + 1;
                continue;
            }
            Text(html, textStart, lt, decode: true);
            i = OpenTag(html, lt);
            textStart = i;
        }
        Text(html, textStart, n, decode: true);
        while (_stack.Count > 0)
        {
            var top = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            OnCloseTag?.Invoke(top);
        }
    }

    private static bool IsNameEnd(char c) => c is '/' or '>' || char.IsWhiteSpace(c);

    private void Text(string html, int start, int end, bool decode)
    {
        if (end <= start) return;
        var text = html[start..end];
        OnText?.Invoke(decode ? HtmlEntities.Decode(text) : text);
    }

    private void CloseTag(string name)
    {
        var pos = _stack.LastIndexOf(name);
        if (pos >= 0)
        {
            while (_stack.Count > pos)
            {
                var top = _stack[^1];
                _stack.RemoveAt(_stack.Count - 1);
                OnCloseTag?.Invoke(top);
            }
        }
        else if (name is "br" or "p")
        {
            OpenElement(name, []);
            if (name == "p") CloseTag("p");
        }
    }

    private void OpenElement(string name, List<KeyValuePair<string, string>> attributes)
    {
        if (OpenImpliesClose.TryGetValue(name, out var closes))
        {
            while (_stack.Count > 0 && closes.Contains(_stack[^1]))
            {
                var top = _stack[^1];
                _stack.RemoveAt(_stack.Count - 1);
                OnCloseTag?.Invoke(top);
            }
        }
        OnOpenTag?.Invoke(name, attributes);
        if (VoidElements.Contains(name)) OnCloseTag?.Invoke(name);
        else _stack.Add(name);
    }

    private int OpenTag(string html, int lt)
    {
        var n = html.Length;
        var p = lt + 1;
        while (p < n && !IsNameEnd(html[p])) p++;
        var name = html[(lt + 1)..p].ToLowerInvariant();
        var attributes = new List<KeyValuePair<string, string>>();
        var selfClosing = false;
        while (p < n)
        {
            var ch = html[p];
            if (char.IsWhiteSpace(ch)) { p++; continue; }
            if (ch == '>') break;
            if (ch == '/')
            {
                if (p + 1 < n && html[p + 1] == '>')
                {
                    selfClosing = true;
                    p++;
                    break;
                }
                p++;
                continue;
            }
            var nameStart = p;
            p++;
            while (p < n && html[p] != '=' && html[p] != '>' && html[p] != '/' && !char.IsWhiteSpace(html[p])) p++;
            var attrName = html[nameStart..p].ToLowerInvariant();
            var q = p;
            while (q < n && char.IsWhiteSpace(html[q])) q++;
            var value = "";
            if (q < n && html[q] == '=')
            {
                q++;
                while (q < n && char.IsWhiteSpace(html[q])) q++;
                if (q < n && html[q] is '"' or '\'')
                {
                    var quote = html[q];
                    var close = html.IndexOf(quote, q + 1);
                    if (close < 0) close = n;
                    value = html[(q + 1)..close];
                    p = Math.Min(close + 1, n);
                }
                else
                {
                    var start = q;
                    while (q < n && html[q] != '>' && !char.IsWhiteSpace(html[q])) q++;
                    value = html[start..q];
                    p = q;
                }
            }
            if (!attributes.Exists(a => a.Key == attrName)) attributes.Add(new(attrName, HtmlEntities.Decode(value)));
        }
        var next = Math.Min(p + 1, n);
        OpenElement(name, attributes);
        if (VoidElements.Contains(name)) return next;
        if (selfClosing)
        {
            CloseTag(name);
            return next;
        }
        if (name is "script" or "style" or "title" or "textarea")
        {
            var close = IndexOfCloseTag(html, name, next);
            var end = close < 0 ? n : close;
            Text(html, next, end, decode: name is "title" or "textarea");
            return end;
        }
        return next;
    }

    private static int IndexOfCloseTag(string html, string name, int from)
    {
        var i = from;
        while (true)
        {
            var k = html.IndexOf("</", i, StringComparison.Ordinal);
            if (k < 0) return -1;
            if (k + 2 + name.Length <= html.Length && string.Compare(html, k + 2, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var after = k + 2 + name.Length;
                if (after >= html.Length || IsNameEnd(html[after])) return k;
            }
            i = k + 2;
        }
    }
}

/// <summary>HTML character references: numeric ones and the named ones of HTML5 (through AngleSharp's table).</summary>
public static class HtmlEntities
{
    private static readonly HashSet<string> Legacy = new(StringComparer.Ordinal) { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg" };

    public static string Decode(string text)
    {
        var amp = text.IndexOf('&');
        if (amp < 0) return text;
        var sb = new StringBuilder(text.Length);
        var copied = 0;
        while (amp >= 0)
        {
            var (replacement, length) = TryEntity(text, amp);
            if (replacement is not null)
            {
                sb.Append(text, copied, amp - copied).Append(replacement);
                copied = amp + length;
                amp = text.IndexOf('&', copied);
            }
            else
            {
                amp = text.IndexOf('&', amp + 1);
            }
        }
        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }

    private static (string? Value, int Length) TryEntity(string text, int amp)
    {
        var i = amp + 1;
        if (i >= text.Length) return (null, 0);
        if (text[i] == '#')
        {
            i++;
            var hex = i < text.Length && (text[i] == 'x' || text[i] == 'X');
            if (hex) i++;
            var start = i;
            while (i < text.Length && (hex ? char.IsAsciiHexDigit(text[i]) : char.IsAsciiDigit(text[i]))) i++;
            if (i == start) return (null, 0);
            var digits = text[start..i];
            var end = i < text.Length && text[i] == ';' ? i + 1 : i;
            long code;
            try
            {
                code = Convert.ToInt64(digits.Length > 8 ? "FFFFFFFF" : digits, hex ? 16 : 10);
            }
            catch (FormatException)
            {
                return (null, 0);
            }
            var value = code is 0 or > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF ? "\uFFFD" : char.ConvertFromUtf32((int)code);
            return (value, end - amp);
        }
        var nameStart = i;
        while (i < text.Length && char.IsAsciiLetterOrDigit(text[i])) i++;
        if (i == nameStart) return (null, 0);
        var name = text[nameStart..i];
        if (i < text.Length && text[i] == ';')
        {
            var symbol = AngleSharp.Html.HtmlEntityProvider.Resolver.GetSymbol(name);
            return symbol is null ? (null, 0) : (symbol, i + 1 - amp);
        }
        if (Legacy.Contains(name))
        {
            return (AngleSharp.Html.HtmlEntityProvider.Resolver.GetSymbol(name), i - amp);
        }
        return (null, 0);
    }
}
