using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

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

    bool IHtmlTokenHandler.SkipsAttributes => false;

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
        // Only the elements that can match the selector's subject (by id, class or type) are tried: the same
        // elements match, and the same ones throw, since the subject's type, id and classes are checked first.
        var candidates = Candidates(selector);
        var matched = new List<DomElement>();
        try
        {
            foreach (var element in candidates)
            {
                if (selector.Matches(element)) matched.Add(element);
            }
            return matched;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private Dictionary<string, List<DomElement>>? _byTag;
    private Dictionary<string, List<DomElement>>? _byClass;
    private Dictionary<string, List<DomElement>>? _byId;

    /// <summary>Forgets the id and class index, after an edit of the <c>id</c> or <c>class</c> attribute of an element.</summary>
    public void ResetIndex()
    {
        _byClass = null;
        _byId = null;
    }

    /// <summary>The elements, in document order, that have the subject's id, else its rarest class, else its type; else all.</summary>
    private List<DomElement> Candidates(CssSelector selector)
    {
        if (selector.SubjectId is { } id)
        {
            if (_byId is null)
            {
                _byId = new(StringComparer.Ordinal);
                foreach (var element in Elements)
                {
                    if (element.GetAttribute("id") is { } value) AddTo(_byId, value, element);
                }
            }
            return _byId.GetValueOrDefault(id) ?? [];
        }
        if (selector.SubjectClasses.Count > 0)
        {
            if (_byClass is null)
            {
                _byClass = new(StringComparer.Ordinal);
                var lookup = _byClass.GetAlternateLookup<ReadOnlySpan<char>>();
                foreach (var element in Elements)
                {
                    if (element.GetAttribute("class") is not { } classes) continue;
                    // The tokens of CssSelector.HasToken.
                    var i = 0;
                    while (i < classes.Length)
                    {
                        while (i < classes.Length && char.IsWhiteSpace(classes[i])) i++;
                        var start = i;
                        while (i < classes.Length && !char.IsWhiteSpace(classes[i])) i++;
                        if (i == start) continue;
                        if (lookup.TryGetValue(classes.AsSpan(start, i - start), out var list)) AddTo(list, element);
                        else _byClass[classes[start..i]] = [element];
                    }
                }
            }
            List<DomElement>? rarest = null;
            foreach (var name in selector.SubjectClasses)
            {
                var list = _byClass.GetValueOrDefault(name);
                if (list is null) return [];
                if (rarest is null || list.Count < rarest.Count) rarest = list;
            }
            return rarest!;
        }
        if (selector.SubjectTag is { } tag)
        {
            if (_byTag is null)
            {
                _byTag = new(StringComparer.Ordinal);
                foreach (var element in Elements) AddTo(_byTag, element.Name, element);
            }
            return _byTag.GetValueOrDefault(tag) ?? [];
        }
        return Elements;
    }

    private static void AddTo(Dictionary<string, List<DomElement>> index, string key, DomElement element)
    {
        if (index.TryGetValue(key, out var list)) AddTo(list, element);
        else index[key] = [element];
    }

    private static void AddTo(List<DomElement> list, DomElement element)
    {
        // A class written twice lists its element once.
        if (!ReferenceEquals(list[^1], element)) list.Add(element);
    }

    /// <summary>
    /// The source with the start tags of edited elements regenerated (attributes double-quoted, in order), and, when
    /// <paramref name="mergeConditionals"/> is set, adjacent Outlook conditionals merged as <see cref="Conditionals.Merge"/>
    /// would merge the result: one allocation, the result.
    /// </summary>
    public string Serialize(bool mergeConditionals = false)
    {
        var cuts = mergeConditionals ? Conditionals.Cuts(_html) : null;
        var length = _html.Length;
        var edited = 0;
        foreach (var element in Elements)
        {
            if (!element.Edited) continue;
            edited++;
            length += TagLength(element) - (element.TagEnd - element.TagStart);
        }
        if (cuts is not null)
        {
            for (var k = 0; k < cuts.Count; k += 2) length -= cuts[k + 1] - cuts[k];
            if (edited > 0 && CutsOverlapEditedTags(cuts))
            {
                // A conditional's text inside an edited tag (an attribute value): merge the serialized text instead.
                return Conditionals.Merge(Serialize());
            }
        }
        if (edited == 0 && cuts is null) return _html;
        return string.Create(length, (this, cuts ?? []), static (span, state) => state.Item1.WriteTo(span, state.Item2));
    }

    private bool CutsOverlapEditedTags(List<int> cuts)
    {
        var k = 0;
        foreach (var element in Elements)
        {
            if (!element.Edited) continue;
            while (k < cuts.Count && cuts[k + 1] <= element.TagStart) k += 2;
            if (k < cuts.Count && cuts[k] < element.TagEnd) return true;
        }
        return false;
    }

    /// <summary>Copies the source to <paramref name="span"/>, edited start tags regenerated, the <paramref name="cuts"/> left out.</summary>
    private void WriteTo(Span<char> span, List<int> cuts)
    {
        var source = _html.AsSpan();
        var copied = 0;
        var w = 0;
        var k = 0;
        foreach (var element in Elements)
        {
            if (!element.Edited) continue;
            for (; k < cuts.Count && cuts[k] < element.TagStart; k += 2)
            {
                source[copied..cuts[k]].CopyTo(span[w..]);
                w += cuts[k] - copied;
                copied = cuts[k + 1];
            }
            source[copied..element.TagStart].CopyTo(span[w..]);
            w += element.TagStart - copied;
            w += WriteTag(span[w..], element);
            copied = element.TagEnd;
        }
        for (; k < cuts.Count; k += 2)
        {
            source[copied..cuts[k]].CopyTo(span[w..]);
            w += cuts[k] - copied;
            copied = cuts[k + 1];
        }
        source[copied..].CopyTo(span[w..]);
    }

    private static int TagLength(DomElement element)
    {
        var length = 1 + element.Name.Length + (element.SelfClosing ? 3 : 1);
        foreach (var (name, value) in element.Attributes) length += name.Length + value.Length + 4;
        return length;
    }

    /// <summary>Writes <c>&lt;name a="v" …&gt;</c> (or <c> /&gt;</c>); returns its length.</summary>
    private static int WriteTag(Span<char> span, DomElement element)
    {
        var w = 0;
        void Put(Span<char> to, ReadOnlySpan<char> text)
        {
            text.CopyTo(to[w..]);
            w += text.Length;
        }
        Put(span, "<");
        Put(span, element.Name);
        foreach (var (name, value) in element.Attributes)
        {
            Put(span, " ");
            Put(span, name);
            Put(span, "=\"");
            Put(span, value);
            Put(span, "\"");
        }
        Put(span, element.SelfClosing ? " />" : ">");
        return w;
    }
}
