using System.Text;
using Newsletter.Mjml.Parsing;

namespace Newsletter.Mjml.PostProcessing;

/// <summary>An element of <see cref="HtmlDom"/>: its name, attributes and where its start tag is in the source.</summary>
internal sealed class DomElement
{
    public DomElement(string name, DomElement? parent, int tagStart, int tagEnd, bool selfClosing, List<KeyValuePair<string, string>>? attributes = null)
    {
        Attributes = attributes ?? [];
        Name = name;
        Parent = parent;
        TagStart = tagStart;
        TagEnd = tagEnd;
        SelfClosing = selfClosing;
    }

    public string Name { get; }
    public DomElement? Parent { get; }
    public List<DomElement> Children { get; } = [];
    public List<KeyValuePair<string, string>> Attributes { get; }

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
/// A light DOM over an HTML string (<see cref="HtmlTokenizer"/>), built like htmlparser2 (the parser under cheerio): comments are opaque, so markup
/// inside Outlook conditional comments is never matched. Edits rewrite only the start tags of edited elements.
/// </summary>
internal sealed class HtmlDom : IHtmlTokenHandler
{
    private readonly string _html;
    private readonly List<DomElement> _stack = [];
    private bool _xmlMode;

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
        _xmlMode = xmlMode;
        _stack.Add(Root);
        HtmlTokenizer.Tokenize(_html, xmlMode ? HtmlTokenizerOptions.Xml : HtmlTokenizerOptions.Html, this);
    }

    void IHtmlTokenHandler.Text(int start, int end) => MarkText(_stack[^1], start, end);

    // Comments are opaque (Outlook conditional comments included); CDATA is a comment too in HTML mode.
    void IHtmlTokenHandler.Comment(int start, int dataStart, int dataEnd)
    {
    }

    void IHtmlTokenHandler.CData(int dataStart, int dataEnd)
    {
        if (_xmlMode) MarkText(_stack[^1], dataStart, dataEnd);
    }

    void IHtmlTokenHandler.OpenTag(string name, List<KeyValuePair<string, string>> attributes, int start, int end, bool selfClosing)
    {
        var parent = _stack[^1];
        var element = new DomElement(name, parent, start, Math.Min(end + 1, _html.Length), selfClosing, attributes) { Index = parent.Children.Count };
        parent.Children.Add(element);
        Elements.Add(element);
        // cheerio parses without recognizeSelfClosing in HTML mode, so "<td />" stays open there; in XML mode it closes.
        if (_xmlMode ? selfClosing : HtmlTokenizer.IsVoidElement(name)) return;
        _stack.Add(element);
    }

    void IHtmlTokenHandler.CloseTag(string name, int start, int end)
    {
        for (var k = _stack.Count - 1; k > 0; k--)
        {
            if (_stack[k].Name == name)
            {
                _stack.RemoveRange(k, _stack.Count - k);
                return;
            }
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

    /// <summary>The elements <paramref name="selector"/> matches, in document order; null when it cannot be evaluated (a malformed argument).</summary>
    public List<DomElement>? Select(CssSelector selector)
    {
        try
        {
            return Elements.Where(selector.Matches).ToList();
        }
        catch (FormatException)
        {
            return null;
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
