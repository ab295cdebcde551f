namespace Newsletter.Mjml.Parsing;

/// <summary>
/// A tolerant tree builder on <see cref="HtmlTokenizer"/> that reproduces mjml-parser-xml on top of htmlparser2 (HTML mode,
/// entities kept, self-closing tags recognised): ending tags keep their inner markup verbatim, other tags keep
/// their trimmed text, comments become mj-raw children, and every node knows its line.
/// </summary>
internal sealed class MjmlParser : IHtmlTokenHandler
{
    private readonly string _xml;
    private readonly Func<string, bool> _isEndingTag;
    private readonly bool _keepComments;
    private readonly IncludeContext? _includes;
    private readonly List<string> _stack = [];
    private int _lineCursor;
    private int _lineNumber = 1;

    private MjmlNode? _root;
    private MjmlNode? _cur;
    private int _inEndingTag;
    private int _endingOpenEnd;
    private int _maxDepth;

    private MjmlParser(string xml, Func<string, bool> isEndingTag, bool keepComments, IncludeContext? includes)
    {
        _xml = xml;
        _isEndingTag = isEndingTag;
        _keepComments = keepComments;
        _includes = includes;
    }

    /// <summary>Maximum element nesting; deeper input is flattened so rendering cannot overflow the stack.</summary>
    public const int MaxDepth = 200;

    public static MjmlNode? Parse(string xml, Func<string, bool> isEndingTag, bool keepComments, IncludeContext? includes) =>
        Parse(xml, isEndingTag, keepComments, includes, out _);

    /// <summary>
    /// Parses <paramref name="xml"/>; <paramref name="flattenedAt"/> is the line of the first element nested deeper than
    /// <see cref="MaxDepth"/> (placed at that depth instead), or 0 when there is none.
    /// </summary>
    public static MjmlNode? Parse(string xml, Func<string, bool> isEndingTag, bool keepComments, IncludeContext? includes, out int flattenedAt)
    {
        var parser = new MjmlParser(xml, isEndingTag, keepComments, includes);
        parser.Run();
        flattenedAt = parser._flattenedAt;
        return parser._root;
    }

    private int LineAt(int index)
    {
        if (index < _lineCursor)
        {
            _lineCursor = 0;
            _lineNumber = 1;
        }
        var xml = _xml;
        for (var i = _lineCursor; i < index && i < xml.Length; i++)
        {
            if (xml[i] == '\n') _lineNumber++;
        }
        _lineCursor = Math.Max(_lineCursor, Math.Min(index, xml.Length));
        return _lineNumber;
    }

    private void Run()
    {
        HtmlTokenizer.Tokenize(_xml, HtmlTokenizerOptions.Mjml, this);
        var n = _xml.Length;
        while (_stack.Count > 0)
        {
            var name = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            OnCloseTag(name, n - 1, n - 1);
        }
    }

    // Inside an ending tag (mj-text…) the markup is kept verbatim: tags are only counted, text and comments dropped.
    HtmlAttributeMode IHtmlTokenHandler.AttributeMode => _inEndingTag > 0 ? HtmlAttributeMode.Skip : HtmlAttributeMode.Values;

    void IHtmlTokenHandler.Text(int start, int end) => OnText(start, end);

    void IHtmlTokenHandler.Comment(int start, int dataStart, int dataEnd) => OnComment(dataStart, dataEnd, start);

    void IHtmlTokenHandler.CData(int dataStart, int dataEnd) => OnText(dataStart, dataEnd);

    void IHtmlTokenHandler.OpenTag(string name, List<KeyValuePair<string, string>> attributes, int start, int end, bool selfClosing)
    {
        OnOpenTag(name, attributes, start, end);
        if (selfClosing || HtmlTokenizer.IsVoidElement(name))
        {
            OnCloseTag(name, start, end);
            return;
        }
        _stack.Add(name);
    }

    void IHtmlTokenHandler.CloseTag(string name, int start, int end) => OnCloseTagToken(name, start, end);

    private void OnCloseTagToken(string name, int start, int endIndex)
    {
        var pos = _stack.LastIndexOf(name);
        if (pos >= 0)
        {
            while (_stack.Count > pos)
            {
                var top = _stack[^1];
                _stack.RemoveAt(_stack.Count - 1);
                OnCloseTag(top, start, endIndex);
            }
            return;
        }
        if (name == "br")
        {
            OnOpenTag("br", [], start, endIndex);
            OnCloseTag("br", start, endIndex);
        }
        else if (name == "p")
        {
            OnOpenTag("p", [], start, endIndex);
            OnCloseTag("p", start, endIndex);
        }
    }

    private void OnOpenTag(string name, List<KeyValuePair<string, string>> attributes, int start, int endIndex)
    {
        var ending = _isEndingTag(name);
        if (_inEndingTag > 0)
        {
            if (ending) _inEndingTag++;
            return;
        }
        if (ending)
        {
            _inEndingTag++;
            _endingOpenEnd = endIndex;
            _endingStart = start;
            _endingNode = null;
        }
        var line = LineAt(start);
        if (name == "mj-include")
        {
            _includeDepthMarker++;
            if (_includes is not null && _cur is not null)
            {
                _includes.Handle(_cur, _root!, attributes, line);
            }
            return;
        }
        var node = new MjmlNode(name, line, attributes) { Parent = _cur };
        if (ending) _endingNode = node;
        if (_cur is null)
        {
            // htmlparser2 hands a second top-level element to mjml-parser-xml, which makes it the new root.
            _root = node;
        }
        else
        {
            if (_maxDepth >= MaxDepth)
            {
                // Pathological nesting: attach to the current parent without descending further.
                _cur.Children.Add(node);
                _flattened++;
                if (_flattenedAt == 0) _flattenedAt = line;
                return;
            }
            _cur.Children.Add(node);
        }
        _cur = node;
        _maxDepth++;
    }

    private int _endingStart;
    private MjmlNode? _endingNode;
    private int _flattened;
    private int _flattenedAt;
    private int _includeDepthMarker;

    private void OnCloseTag(string name, int start, int endIndex)
    {
        if (_isEndingTag(name))
        {
            _inEndingTag--;
            if (_inEndingTag == 0)
            {
                var selfClosing = start == _endingStart && endIndex == _endingOpenEnd;
                if (!selfClosing && _endingNode is not null && endIndex > _endingOpenEnd)
                {
                    // mjml-parser-xml: the trimmed text up to the last "</name", trimmed (spans: one copy, the content).
                    var partial = _xml.AsSpan(_endingOpenEnd + 1, endIndex - _endingOpenEnd - 1).Trim();
                    var idx = partial.LastIndexOf(("</" + name).AsSpan());
                    ReadOnlySpan<char> val = idx <= 0 ? [] : partial[..idx].Trim();
                    if (val.Length > 0) _endingNode.Content = val.ToString();
                }
            }
        }
        if (_inEndingTag > 0) return;
        if (name == "mj-include")
        {
            if (_includeDepthMarker > 0) _includeDepthMarker--;
            return;
        }
        if (_flattened > 0)
        {
            _flattened--;
            return;
        }
        if (_cur is not null)
        {
            _cur = _cur.Parent;
            _maxDepth--;
        }
    }

    private void OnText(int start, int end)
    {
        if (_inEndingTag > 0 || _cur is null) return;
        var trimmed = _xml.AsSpan(start, end - start).Trim();
        if (trimmed.Length == 0) return;
        _cur.Content = _cur.Content is null ? trimmed.ToString() : string.Concat(_cur.Content, trimmed).Trim();
    }

    private void OnComment(int dataStart, int dataEnd, int start)
    {
        if (_inEndingTag > 0) return;
        if (_cur is not null && _keepComments)
        {
            var node = new MjmlNode("mj-raw", LineAt(start)) { Content = string.Concat("<!--", _xml.AsSpan(dataStart, dataEnd - dataStart), "-->"), Parent = _cur };
            _cur.Children.Add(node);
        }
    }

}
