using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.PostProcessing;

/// <summary>
/// An element of <see cref="HtmlDom"/>: its name, attributes and where its start tag is in the source. An attribute's
/// value stays a position in the source until it is set (or asked for as a string): parsing copies no value.
/// </summary>
internal sealed class DomElement
{
    private struct Attribute
    {
        public string Name;
        public int Start;
        public int End;
        public string? Value;
    }

    private static readonly Attribute[] NoAttributes = [];

    private readonly ReadOnlyMemory<char> _source;
    private Attribute[] _attributes;
    private int _count;

    public DomElement(string name, DomElement? parent, int tagStart, int tagEnd, bool selfClosing, ReadOnlyMemory<char> source = default,
        List<HtmlAttributeRange>? attributes = null)
    {
        _source = source;
        _attributes = attributes is null || attributes.Count == 0 ? NoAttributes : new Attribute[attributes.Count];
        if (attributes is not null)
        {
            foreach (var (attributeName, start, end) in attributes) _attributes[_count++] = new Attribute { Name = attributeName, Start = start, End = end };
        }
        Name = name;
        Parent = parent;
        TagStart = tagStart;
        TagEnd = tagEnd;
        SelfClosing = selfClosing;
    }

    public string Name { get; }
    public DomElement? Parent { get; }

    /// <summary>The element children in order: linked, a list only when a selector asks for one (most never do).</summary>
    public List<DomElement> Children
    {
        get
        {
            if (_children is null)
            {
                _children = new List<DomElement>(ChildCount);
                for (var child = FirstChild; child is not null; child = child.NextSibling) _children.Add(child);
            }
            return _children;
        }
    }

    private List<DomElement>? _children;

    public DomElement? FirstChild { get; private set; }
    public DomElement? LastChild { get; private set; }
    public DomElement? PreviousSibling { get; private set; }
    public DomElement? NextSibling { get; private set; }
    public int ChildCount { get; private set; }

    /// <summary>Appends <paramref name="child"/> (while the DOM is built); sets its <see cref="Index"/>.</summary>
    public void AppendChild(DomElement child)
    {
        child.Index = ChildCount++;
        child.PreviousSibling = LastChild;
        if (LastChild is null) FirstChild = child;
        else LastChild.NextSibling = child;
        LastChild = child;
    }

    /// <summary>Index of the element among its parent's element children.</summary>
    public int Index { get; set; }

    public int TagStart { get; }
    public int TagEnd { get; }
    public bool SelfClosing { get; }
    public bool HasText { get; set; }
    public bool Edited { get; set; }

    /// <summary>Scratch space of the CSS inliner (juice's styleProps).</summary>
    public object? StyleProps { get; set; }

    /// <summary>The number of attributes, in source order (set ones appended).</summary>
    public int AttributeCount => _count;

    public string AttributeName(int i) => _attributes[i].Name;

    public ReadOnlySpan<char> AttributeValue(int i) => _attributes[i].Value is { } value ? value : _source.Span[_attributes[i].Start.._attributes[i].End];

    /// <summary>The value of <paramref name="name"/>, without copying it; false when the element has no such attribute.</summary>
    public bool TryGetAttribute(string name, out ReadOnlySpan<char> value)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_attributes[i].Name == name)
            {
                value = AttributeValue(i);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The value of <paramref name="name"/> as a string (made once, then kept); null when absent.</summary>
    public string? GetAttribute(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            ref var attribute = ref _attributes[i];
            if (attribute.Name == name) return attribute.Value ??= _source.Span[attribute.Start..attribute.End].ToString();
        }
        return null;
    }

    public void SetAttribute(string name, string value)
    {
        Edited = true;
        for (var i = 0; i < _count; i++)
        {
            if (_attributes[i].Name == name)
            {
                _attributes[i].Value = value;
                return;
            }
        }
        if (_count == _attributes.Length) Array.Resize(ref _attributes, Math.Max(4, _count * 2));
        _attributes[_count++] = new Attribute { Name = name, Value = value };
    }
}

/// <summary>
/// A light DOM over an HTML string (<see cref="HtmlTokenizer"/>), built like htmlparser2 (the parser under cheerio): comments are opaque, so markup
/// inside Outlook conditional comments is never matched. Edits rewrite only the start tags of edited elements.
/// </summary>
internal sealed class HtmlDom : IHtmlTokenHandler
{
    private readonly ReadOnlyMemory<char> _html;
    private readonly List<DomElement> _stack = [];
    private bool _xmlMode;

    private HtmlDom(ReadOnlyMemory<char> html)
    {
        _html = html;
        // Sized once: at most one element per '<' (about half of them are end tags).
        Elements = new List<DomElement>(html.Span.Count('<'));
    }

    public DomElement Root { get; } = new("#root", null, 0, 0, false);

    public List<DomElement> Elements { get; }

    /// <summary>Parses <paramref name="html"/>; <paramref name="xmlMode"/> keeps every tag open until closed (no void elements).</summary>
    public static HtmlDom Parse(ReadOnlyMemory<char> html, bool xmlMode)
    {
        var dom = new HtmlDom(html);
        dom.Build(xmlMode);
        return dom;
    }

    private void Build(bool xmlMode)
    {
        _xmlMode = xmlMode;
        _stack.Add(Root);
        HtmlTokenizer.Tokenize(_html.Span, xmlMode ? HtmlTokenizerOptions.Xml : HtmlTokenizerOptions.Html, this);
    }

    HtmlAttributeMode IHtmlTokenHandler.AttributeMode => HtmlAttributeMode.Ranges;

    void IHtmlTokenHandler.Text(int start, int end) => MarkText(_stack[^1], start, end);

    // Comments are opaque (Outlook conditional comments included); CDATA is a comment too in HTML mode.
    void IHtmlTokenHandler.Comment(int start, int dataStart, int dataEnd)
    {
    }

    void IHtmlTokenHandler.CData(int dataStart, int dataEnd)
    {
        if (_xmlMode) MarkText(_stack[^1], dataStart, dataEnd);
    }

    void IHtmlTokenHandler.OpenTag(string name, List<KeyValuePair<string, string>> attributes, int start, int end, bool selfClosing) =>
        throw new NotSupportedException("HtmlDom takes attribute values as ranges.");

    void IHtmlTokenHandler.OpenTag(string name, List<HtmlAttributeRange> attributes, int start, int end, bool selfClosing)
    {
        var parent = _stack[^1];
        var element = new DomElement(name, parent, start, Math.Min(end + 1, _html.Length), selfClosing, _html, attributes);
        parent.AppendChild(element);
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
        var html = _html.Span;
        for (var k = start; k < end; k++)
        {
            if (!char.IsWhiteSpace(html[k]))
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
                    if (!element.TryGetAttribute("class", out var classes)) continue;
                    // The tokens of CssSelector.HasToken.
                    var i = 0;
                    while (i < classes.Length)
                    {
                        while (i < classes.Length && char.IsWhiteSpace(classes[i])) i++;
                        var start = i;
                        while (i < classes.Length && !char.IsWhiteSpace(classes[i])) i++;
                        if (i == start) continue;
                        if (lookup.TryGetValue(classes[start..i], out var list)) AddTo(list, element);
                        else _byClass[classes[start..i].ToString()] = [element];
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
        var cuts = mergeConditionals ? Conditionals.Cuts(_html.Span) : null;
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
        if (edited == 0 && cuts is null) return Text(_html);
        return string.Create(length, (this, cuts ?? []), static (span, state) => state.Item1.WriteTo(span, state.Item2));
    }

    /// <summary><paramref name="text"/> as a string: the string it is, or a copy (of a pooled buffer).</summary>
    public static string Text(ReadOnlyMemory<char> text) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetString(text, out var s, out var start, out var length) && start == 0 && length == s.Length ? s : text.ToString();

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
        var source = _html.Span;
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
        for (var i = 0; i < element.AttributeCount; i++) length += element.AttributeName(i).Length + element.AttributeValue(i).Length + 4;
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
        for (var i = 0; i < element.AttributeCount; i++)
        {
            Put(span, " ");
            Put(span, element.AttributeName(i));
            Put(span, "=\"");
            Put(span, element.AttributeValue(i));
            Put(span, "\"");
        }
        Put(span, element.SelfClosing ? " />" : ">");
        return w;
    }
}
