using System.Collections.Frozen;

namespace Newsletter.Mjml.Parsing;

/// <summary>Receives the tokens of <see cref="HtmlTokenizer"/>; positions index the tokenized string.</summary>
internal interface IHtmlTokenHandler
{
    /// <summary>Text from <paramref name="start"/> to <paramref name="end"/> (exclusive), entities kept as written.</summary>
    void Text(int start, int end);

    /// <summary>A comment starting at <paramref name="start"/>; its data runs from dataStart to dataEnd (exclusive).</summary>
    void Comment(int start, int dataStart, int dataEnd);

    /// <summary>A CDATA section's data from dataStart to dataEnd (exclusive).</summary>
    void CData(int dataStart, int dataEnd);

    /// <summary>
    /// A start tag from <paramref name="start"/> (its '&lt;') to <paramref name="end"/> (its '&gt;', or the last
    /// character when unterminated). The handler may keep <paramref name="attributes"/>: a new list each time, in
    /// source order, the first of duplicated names kept.
    /// </summary>
    void OpenTag(string name, List<KeyValuePair<string, string>> attributes, int start, int end, bool selfClosing);

    /// <summary>
    /// A start tag, as <see cref="OpenTag(string, List{KeyValuePair{string, string}}, int, int, bool)"/>, for a handler
    /// whose <see cref="AttributeMode"/> is <see cref="HtmlAttributeMode.Ranges"/>: each value as its position in the
    /// tokenized text, no value copied. The list is the tokenizer's, reused for the next tag: copy what you keep.
    /// </summary>
    void OpenTag(string name, List<HtmlAttributeRange> attributes, int start, int end, bool selfClosing) =>
        throw new NotSupportedException("This handler takes attribute values as strings.");

    /// <summary>How the handler wants the attributes of the next start tag.</summary>
    HtmlAttributeMode AttributeMode { get; }

    /// <summary>An end tag from <paramref name="start"/> to <paramref name="end"/> (its '&gt;', or the last character).</summary>
    void CloseTag(string name, int start, int end);
}

/// <summary>How a start tag's attributes reach an <see cref="IHtmlTokenHandler"/>.</summary>
internal enum HtmlAttributeMode
{
    /// <summary>Names and values as strings, in a new list per tag (the handler keeps it).</summary>
    Values,

    /// <summary>Names as strings, values as positions (<see cref="HtmlAttributeRange"/>): no value is copied.</summary>
    Ranges,

    /// <summary>None (the handler only counts tags): an empty list shared by all calls, nothing allocated.</summary>
    Skip,
}

/// <summary>An attribute of a start tag: its name, and its value as [ValueStart, ValueEnd) of the tokenized text.</summary>
internal readonly record struct HtmlAttributeRange(string Name, int ValueStart, int ValueEnd);

/// <summary>How <see cref="HtmlTokenizer"/> reads: htmlparser2's options that our two parsers set differently.</summary>
internal readonly record struct HtmlTokenizerOptions(bool LowerCaseAttributeNames, bool XmlMode)
{
    /// <summary>mjml-parser-xml's htmlparser2: HTML mode, tag names lower-cased, attribute names as written.</summary>
    public static HtmlTokenizerOptions Mjml => new(LowerCaseAttributeNames: false, XmlMode: false);

    /// <summary>cheerio in HTML mode (juice): tag and attribute names lower-cased.</summary>
    public static HtmlTokenizerOptions Html => new(LowerCaseAttributeNames: true, XmlMode: false);

    /// <summary>cheerio in XML mode: names as written, no raw-text elements.</summary>
    public static HtmlTokenizerOptions Xml => new(LowerCaseAttributeNames: false, XmlMode: true);
}

/// <summary>
/// The one HTML tokenizer of Newsletter.Mjml, a port of htmlparser2's Tokenizer as far as MJML input and our own
/// output need it: tags with attributes (quoted or not), comments, CDATA, declarations and processing instructions
/// skipped, raw-text elements (script, style, title, textarea) read to their end tag. Text between tokens comes in
/// one piece, a stray '&lt;' included. Tree building (void elements, implied ends) is the handler's: MjmlParser
/// (mjml-parser-xml) and HtmlDom (cheerio, for the CSS inliner and mj-html-attributes). The test comparer's tokenizer
/// (tests/Newsletter.Testing) stays a separate port on purpose: it judges this one's output.
/// </summary>
internal static class HtmlTokenizer
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "image", "img", "input",
        "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

    // Names that come back in every document, handed out as these instances instead of a new string per tag.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> KnownNames = new[]
    {
        "a", "b", "body", "br", "center", "div", "em", "h1", "h2", "h3", "h4", "head", "hr", "html", "i", "img", "input",
        "label", "li", "link", "meta", "o:AllowPNG", "o:OfficeDocumentSettings", "o:PixelsPerInch", "p", "span", "strong",
        "style", "table", "tbody", "td", "th", "thead", "title", "tr", "u", "ul", "v:image", "v:rect", "v:textbox",
        "mjml", "mj-accordion", "mj-accordion-element", "mj-accordion-text", "mj-accordion-title", "mj-all", "mj-attributes",
        "mj-body", "mj-breakpoint", "mj-button", "mj-carousel", "mj-carousel-image", "mj-class", "mj-column", "mj-divider",
        "mj-font", "mj-group", "mj-head", "mj-hero", "mj-image", "mj-include", "mj-navbar", "mj-navbar-link", "mj-preview",
        "mj-raw", "mj-section", "mj-social", "mj-social-element", "mj-spacer", "mj-style", "mj-table", "mj-text", "mj-title",
        "mj-wrapper",
        "align", "alt", "background", "background-color", "background-repeat", "background-size", "background-url", "bgcolor",
        "border", "border-radius", "cellpadding", "cellspacing", "class", "color", "container-background-color", "content",
        "css-class", "dir", "font-family", "font-size", "font-style", "font-weight", "height", "href", "icon-size", "id",
        "inline", "inner-padding", "lang", "letter-spacing", "line-height", "mj-class", "name", "padding", "padding-bottom",
        "padding-left", "padding-right", "padding-top", "rel", "role", "src", "target", "text-align", "text-decoration",
        "text-transform", "type", "valign", "vertical-align", "width", "xmlns",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly List<KeyValuePair<string, string>> NoAttributes = [];

    [ThreadStatic]
    private static List<HtmlAttributeRange>? _ranges;

    /// <summary>Elements htmlparser2 closes at once in HTML mode.</summary>
    public static bool IsVoidElement(string name) => VoidElements.Contains(name);

    public static void Tokenize<THandler>(ReadOnlySpan<char> s, HtmlTokenizerOptions options, THandler handler)
        where THandler : IHtmlTokenHandler
    {
        var n = s.Length;
        var textStart = 0;
        var i = 0;
        while (i < n)
        {
            var lt = IndexOf(s, '<', i);
            if (lt < 0 || lt + 1 >= n) break;
            var c = s[lt + 1];
            int next;
            if (c == '!')
            {
                next = ReadBang(s, lt, handler, textStart);
            }
            else if (c == '?')
            {
                Flush(handler, textStart, lt);
                next = SkipPast(s, '>', lt + 2);
            }
            else if (c == '/')
            {
                next = ReadEndTag(s, lt, options, handler, textStart);
                if (next < 0)
                {
                    i = lt + 1;
                    continue;
                }
            }
            else if (char.IsAsciiLetter(c))
            {
                Flush(handler, textStart, lt);
                next = ReadStartTag(s, lt, options, handler);
            }
            else
            {
                // Not a tag: the '<' is text.
                i = lt + 1;
                continue;
            }
            i = next;
            textStart = next;
        }
        Flush(handler, textStart, n);
    }

    private static void Flush<THandler>(THandler handler, int start, int end)
        where THandler : IHtmlTokenHandler
    {
        if (end > start) handler.Text(start, end);
    }

    private static int SkipPast(ReadOnlySpan<char> s, char c, int from)
    {
        var end = IndexOf(s, c, from);
        return end < 0 ? s.Length : end + 1;
    }

    /// <summary>string.IndexOf(c, from) on a span.</summary>
    private static int IndexOf(ReadOnlySpan<char> s, char c, int from)
    {
        var k = s[from..].IndexOf(c);
        return k < 0 ? -1 : from + k;
    }

    /// <summary>string.IndexOf(value, from, StringComparison.Ordinal) on a span.</summary>
    private static int IndexOf(ReadOnlySpan<char> s, string value, int from)
    {
        var k = s[from..].IndexOf(value, StringComparison.Ordinal);
        return k < 0 ? -1 : from + k;
    }

    private static int ReadBang<THandler>(ReadOnlySpan<char> s, int lt, THandler handler, int textStart)
        where THandler : IHtmlTokenHandler
    {
        var n = s.Length;
        Flush(handler, textStart, lt);
        if (s[lt..].StartsWith("<!--", StringComparison.Ordinal))
        {
            var end = IndexOf(s, "-->", lt + 4);
            handler.Comment(lt, Math.Min(lt + 4, n), end < 0 ? n : end);
            return end < 0 ? n : end + 3;
        }
        if (s[lt..].StartsWith("<![CDATA[", StringComparison.Ordinal))
        {
            var end = IndexOf(s, "]]>", lt + 9);
            handler.CData(lt + 9, end < 0 ? n : end);
            return end < 0 ? n : end + 3;
        }
        // <!DOCTYPE …> and other declarations.
        return SkipPast(s, '>', lt + 2);
    }

    /// <summary>Reads "&lt;/name …&gt;" (or skips "&lt;/&gt;" and "&lt;/3…&gt;" as htmlparser2 does); -1 when "&lt;/" ends the input.</summary>
    private static int ReadEndTag<THandler>(ReadOnlySpan<char> s, int lt, HtmlTokenizerOptions options, THandler handler, int textStart)
        where THandler : IHtmlTokenHandler
    {
        var n = s.Length;
        var p = lt + 2;
        while (p < n && char.IsWhiteSpace(s[p])) p++;
        if (p >= n) return -1;
        Flush(handler, textStart, lt);
        if (!char.IsAsciiLetter(s[p]))
        {
            // "</>" is dropped; "</3…>" is a bogus comment, dropped as well.
            return SkipPast(s, '>', p);
        }
        var nameEnd = p;
        while (nameEnd < n && !IsTagNameEnd(s[nameEnd])) nameEnd++;
        var name = TagName(s, p, nameEnd, options);
        var gt = IndexOf(s, '>', nameEnd);
        handler.CloseTag(name, lt, gt < 0 ? n - 1 : gt);
        return gt < 0 ? n : gt + 1;
    }

    private static int ReadStartTag<THandler>(ReadOnlySpan<char> s, int lt, HtmlTokenizerOptions options, THandler handler)
        where THandler : IHtmlTokenHandler
    {
        var n = s.Length;
        var p = lt + 1;
        while (p < n && !IsTagNameEnd(s[p])) p++;
        var name = TagName(s, lt + 1, p, options);
        var mode = handler.AttributeMode;
        var skip = mode == HtmlAttributeMode.Skip;
        var asRanges = mode == HtmlAttributeMode.Ranges;
        var attributes = mode == HtmlAttributeMode.Values ? new List<KeyValuePair<string, string>>() : NoAttributes;
        var ranges = asRanges ? _ranges ??= [] : null;
        ranges?.Clear();
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
            var attrName = skip ? "" : Name(s, nameStart, p, options.LowerCaseAttributeNames);
            var q = p;
            while (q < n && char.IsWhiteSpace(s[q])) q++;
            var (valueStart, valueEnd) = (0, 0);
            if (q < n && s[q] == '=')
            {
                q++;
                while (q < n && char.IsWhiteSpace(s[q])) q++;
                if (q < n && s[q] is '"' or '\'')
                {
                    var close = IndexOf(s, s[q], q + 1);
                    if (close < 0) close = n;
                    (valueStart, valueEnd) = (q + 1, close);
                    p = Math.Min(close + 1, n);
                }
                else
                {
                    var start = q;
                    while (q < n && s[q] != '>' && !char.IsWhiteSpace(s[q])) q++;
                    (valueStart, valueEnd) = (start, q);
                    p = q;
                }
            }
            if (ranges is not null)
            {
                if (!ContainsKey(ranges, attrName)) ranges.Add(new(attrName, valueStart, valueEnd));
            }
            else if (!skip && !ContainsKey(attributes, attrName))
            {
                attributes.Add(new(attrName, valueEnd > valueStart ? s[valueStart..valueEnd].ToString() : ""));
            }
        }
        var end = Math.Min(p, n - 1);
        var next = Math.Min(p + 1, n);
        if (ranges is not null) handler.OpenTag(name, ranges, lt, end, selfClosing);
        else handler.OpenTag(name, attributes, lt, end, selfClosing);
        if (!options.XmlMode && !selfClosing && name is "script" or "style" or "title" or "textarea")
        {
            // Raw-text elements: their content runs to the matching end tag, markup inside is not parsed.
            var close = IndexOfCloseTag(s, name, next);
            if (close < 0) return n;
            Flush(handler, next, close);
            return close;
        }
        return next;
    }

    private static string TagName(ReadOnlySpan<char> s, int start, int end, HtmlTokenizerOptions options) => Name(s, start, end, lowerCase: !options.XmlMode);

    private static string Name(ReadOnlySpan<char> s, int start, int end, bool lowerCase)
    {
        // A known name is written as it is kept (lower case but for o:… and v:…, which HTML mode lower-cases: not known then).
        if (KnownNames.TryGetValue(s[start..end], out var known) && (!lowerCase || !known.Contains(':', StringComparison.Ordinal))) return known;
        var name = s[start..end].ToString();
        return lowerCase ? name.ToLowerInvariant() : name;
    }

    private static bool IsTagNameEnd(char c) => c is '/' or '>' || char.IsWhiteSpace(c);

    private static bool ContainsKey(List<KeyValuePair<string, string>> list, string key)
    {
        foreach (var pair in list)
        {
            if (pair.Key == key) return true;
        }
        return false;
    }

    private static bool ContainsKey(List<HtmlAttributeRange> list, string key)
    {
        foreach (var range in list)
        {
            if (range.Name == key) return true;
        }
        return false;
    }

    private static int IndexOfCloseTag(ReadOnlySpan<char> s, string name, int from)
    {
        var i = from;
        while (true)
        {
            var k = IndexOf(s, "</", i);
            if (k < 0) return -1;
            if (k + 2 + name.Length <= s.Length && s.Slice(k + 2, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                var after = k + 2 + name.Length;
                if (after >= s.Length || IsTagNameEnd(s[after])) return k;
            }
            i = k + 2;
        }
    }
}
