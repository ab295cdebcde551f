using System.Text;

namespace Newsletter.Mjml.PostProcessing;

/// <summary>An element of <see cref="HtmlDom"/>: its name, attributes and where its start tag is in the source.</summary>
internal sealed class DomElement
{
    public DomElement(string name, DomElement? parent, int tagStart, int tagEnd, bool selfClosing)
    {
        Name = name;
        Parent = parent;
        TagStart = tagStart;
        TagEnd = tagEnd;
        SelfClosing = selfClosing;
    }

    public string Name { get; }
    public DomElement? Parent { get; }
    public List<DomElement> Children { get; } = [];
    public List<KeyValuePair<string, string>> Attributes { get; } = [];

    /// <summary>Index of the element among its parent's element children.</summary>
    public int Index { get; set; }

    public int TagStart { get; }
    public int TagEnd { get; }
    public bool SelfClosing { get; }
    public bool HasText { get; set; }
    public bool Edited { get; set; }

    /// <summary>Scratch space of the CSS inliner (juice's styleProps).</summary>
    public object? StyleProps { get; set; }

    public string? GetAttribute(string name)
    {
        foreach (var pair in Attributes)
        {
            if (pair.Key == name) return pair.Value;
        }
        return null;
    }

    public void SetAttribute(string name, string value)
    {
        for (var i = 0; i < Attributes.Count; i++)
        {
            if (Attributes[i].Key == name)
            {
                Attributes[i] = new(name, value);
                Edited = true;
                return;
            }
        }
        Attributes.Add(new(name, value));
        Edited = true;
    }
}

/// <summary>
/// A light DOM over an HTML string, built like htmlparser2 (the parser under cheerio): comments are opaque, so markup
/// inside Outlook conditional comments is never matched. Edits rewrite only the start tags of edited elements.
/// </summary>
internal sealed class HtmlDom
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "image", "img", "input",
        "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

    private readonly string _html;

    private HtmlDom(string html) => _html = html;

    public DomElement Root { get; } = new("#root", null, 0, 0, false);

    public List<DomElement> Elements { get; } = [];

    /// <summary>Parses <paramref name="html"/>; <paramref name="xmlMode"/> keeps every tag open until closed (no void elements).</summary>
    public static HtmlDom Parse(string html, bool xmlMode)
    {
        var dom = new HtmlDom(html);
        dom.Build(xmlMode);
        return dom;
    }

    private void Build(bool xmlMode)
    {
        var s = _html;
        var n = s.Length;
        var stack = new List<DomElement> { Root };
        var i = 0;
        while (i < n)
        {
            var lt = s.IndexOf('<', i);
            if (lt < 0)
            {
                MarkText(stack[^1], i, n);
                break;
            }
            MarkText(stack[^1], i, lt);
            if (lt + 1 >= n) break;
            var c = s[lt + 1];
            if (c == '!')
            {
                if (string.CompareOrdinal(s, lt, "<!--", 0, 4) == 0)
                {
                    var end = s.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                    i = end < 0 ? n : end + 3;
                }
                else
                {
                    var end = s.IndexOf('>', lt + 2);
                    i = end < 0 ? n : end + 1;
                }
                continue;
            }
            if (c == '?')
            {
                var end = s.IndexOf('>', lt + 2);
                i = end < 0 ? n : end + 1;
                continue;
            }
            if (c == '/')
            {
                var nameEnd = lt + 2;
                while (nameEnd < n && !IsNameEnd(s[nameEnd])) nameEnd++;
                var name = xmlMode ? s[(lt + 2)..nameEnd] : s[(lt + 2)..nameEnd].ToLowerInvariant();
                for (var k = stack.Count - 1; k > 0; k--)
                {
                    if (stack[k].Name == name)
                    {
                        stack.RemoveRange(k, stack.Count - k);
                        break;
                    }
                }
                var gt = s.IndexOf('>', nameEnd);
                i = gt < 0 ? n : gt + 1;
                continue;
            }
            if (!char.IsAsciiLetter(c))
            {
                i = lt + 1;
                continue;
            }
            i = ReadStartTag(lt, stack, xmlMode);
        }
    }

    private void MarkText(DomElement element, int start, int end)
    {
        if (element.HasText) return;
        for (var k = start; k < end; k++)
        {
            if (!char.IsWhiteSpace(_html[k]))
            {
                element.HasText = true;
                return;
            }
        }
    }

    private static bool IsNameEnd(char c) => c is '/' or '>' || char.IsWhiteSpace(c);

    private int ReadStartTag(int lt, List<DomElement> stack, bool xmlMode)
    {
        var s = _html;
        var n = s.Length;
        var p = lt + 1;
        while (p < n && !IsNameEnd(s[p])) p++;
        var name = xmlMode ? s[(lt + 1)..p] : s[(lt + 1)..p].ToLowerInvariant();
        var attributes = new List<KeyValuePair<string, string>>();
        var selfClosing = false;
        while (p < n)
        {
            var ch = s[p];
            if (char.IsWhiteSpace(ch)) { p++; continue; }
            if (ch == '>') break;
            if (ch == '/')
            {
                if (p + 1 < n && s[p + 1] == '>')
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
            while (p < n && s[p] != '=' && s[p] != '>' && s[p] != '/' && !char.IsWhiteSpace(s[p])) p++;
            var attrName = xmlMode ? s[nameStart..p] : s[nameStart..p].ToLowerInvariant();
            var q = p;
            while (q < n && char.IsWhiteSpace(s[q])) q++;
            var value = "";
            if (q < n && s[q] == '=')
            {
                q++;
                while (q < n && char.IsWhiteSpace(s[q])) q++;
                if (q < n && s[q] is '"' or '\'')
                {
                    var quote = s[q];
                    var close = s.IndexOf(quote, q + 1);
                    if (close < 0) close = n;
                    value = s[(q + 1)..close];
                    p = Math.Min(close + 1, n);
                }
                else
                {
                    var start = q;
                    while (q < n && s[q] != '>' && !char.IsWhiteSpace(s[q])) q++;
                    value = s[start..q];
                    p = q;
                }
            }
            if (!attributes.Exists(a => a.Key == attrName)) attributes.Add(new(attrName, value));
        }
        var tagEnd = Math.Min(p + 1, n);
        var parent = stack[^1];
        var element = new DomElement(name, parent == Root ? Root : parent, lt, tagEnd, selfClosing) { Index = parent.Children.Count };
        element.Attributes.AddRange(attributes);
        parent.Children.Add(element);
        Elements.Add(element);
        var isVoid = !xmlMode && VoidElements.Contains(name);
        // cheerio parses without recognizeSelfClosing in HTML mode, so "<td />" stays open there; in XML mode it closes.
        if (isVoid || (selfClosing && xmlMode)) return tagEnd;
        stack.Add(element);
        if (!xmlMode && name is "script" or "style" or "title" or "textarea")
        {
            var close = IndexOfCloseTag(name, tagEnd);
            if (close < 0) return n;
            MarkText(element, tagEnd, close);
            return close;
        }
        return tagEnd;
    }

    private int IndexOfCloseTag(string name, int from)
    {
        var s = _html;
        var i = from;
        while (true)
        {
            var k = s.IndexOf("</", i, StringComparison.Ordinal);
            if (k < 0) return -1;
            if (k + 2 + name.Length <= s.Length && string.Compare(s, k + 2, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var after = k + 2 + name.Length;
                if (after >= s.Length || IsNameEnd(s[after])) return k;
            }
            i = k + 2;
        }
    }

    /// <summary>The source with the start tags of edited elements regenerated (attributes double-quoted, in order).</summary>
    public string Serialize()
    {
        StringBuilder? sb = null;
        var copied = 0;
        foreach (var element in Elements)
        {
            if (!element.Edited) continue;
            sb ??= new StringBuilder(_html.Length + 1024);
            sb.Append(_html, copied, element.TagStart - copied);
            sb.Append('<').Append(element.Name);
            foreach (var (name, value) in element.Attributes) sb.Append(' ').Append(name).Append("=\"").Append(value).Append('"');
            sb.Append(element.SelfClosing ? " />" : ">");
            copied = element.TagEnd;
        }
        if (sb is null) return _html;
        sb.Append(_html, copied, _html.Length - copied);
        return sb.ToString();
    }
}
