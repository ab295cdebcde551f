namespace Newsletter.Mjml.Parsing;

/// <summary>
/// A tolerant tokenizer and tree builder that reproduces mjml-parser-xml on top of htmlparser2 (HTML mode,
/// entities kept, self-closing tags recognised): ending tags keep their inner markup verbatim, other tags keep
/// their trimmed text, comments become mj-raw children, and every node knows its line.
/// </summary>
internal sealed class MjmlParser
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "image", "img", "input",
        "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

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
        var s = _xml;
        var n = s.Length;
        var textStart = 0;
        var i = 0;
        while (i < n)
        {
            var lt = s.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= n) break;
            var c = s[lt + 1];
            if (c == '!')
            {
                EmitText(textStart, lt);
                if (string.CompareOrdinal(s, lt, "<!--", 0, 4) == 0)
                {
                    var end = s.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                    var data = end < 0 ? s[(lt + 4)..] : s[(lt + 4)..end];
                    OnComment(data, lt);
                    i = end < 0 ? n : end + 3;
                }
                else if (string.CompareOrdinal(s, lt, "<![CDATA[", 0, 9) == 0)
                {
                    var end = s.IndexOf("]]>", lt + 9, StringComparison.Ordinal);
                    OnText(end < 0 ? s[(lt + 9)..] : s[(lt + 9)..end]);
                    i = end < 0 ? n : end + 3;
                }
                else
                {
                    var end = s.IndexOf('>', lt + 2);
                    i = end < 0 ? n : end + 1;
                }
                textStart = i;
                continue;
            }
            if (c == '?')
            {
                EmitText(textStart, lt);
                var end = s.IndexOf('>', lt + 2);
                i = end < 0 ? n : end + 1;
                textStart = i;
                continue;
            }
            if (c == '/')
            {
                if (lt + 2 < n && char.IsAsciiLetter(s[lt + 2]))
                {
                    EmitText(textStart, lt);
                    var nameEnd = lt + 2;
                    while (nameEnd < n && !IsTagNameEnd(s[nameEnd])) nameEnd++;
                    var name = s[(lt + 2)..nameEnd].ToLowerInvariant();
                    var gt = s.IndexOf('>', nameEnd);
                    var endIndex = gt < 0 ? n - 1 : gt;
                    OnCloseTagToken(name, lt, endIndex);
                    i = gt < 0 ? n : gt + 1;
                    textStart = i;
                    continue;
                }
                if (lt + 2 < n && s[lt + 2] == '>')
                {
                    EmitText(textStart, lt);
                    i = lt + 3;
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
            EmitText(textStart, lt);
            i = ReadOpenTag(lt);
            textStart = i;
        }
        EmitText(textStart, n);
        while (_stack.Count > 0)
        {
            var name = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            OnCloseTag(name, n - 1, n - 1);
        }
    }

    private static bool IsTagNameEnd(char c) => c is '/' or '>' || char.IsWhiteSpace(c);

    private int ReadOpenTag(int lt)
    {
        var s = _xml;
        var n = s.Length;
        var p = lt + 1;
        while (p < n && !IsTagNameEnd(s[p])) p++;
        var name = s[(lt + 1)..p].ToLowerInvariant();
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
            var attrName = s[nameStart..p];
            var q = p;
            while (q < n && char.IsWhiteSpace(s[q])) q++;
            string value;
            if (q < n && s[q] == '=')
            {
                q++;
                while (q < n && char.IsWhiteSpace(s[q])) q++;
                if (q < n && (s[q] == '"' || s[q] == '\''))
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
            else
            {
                value = "";
            }
            if (!ContainsKey(attributes, attrName)) attributes.Add(new(attrName, value));
        }
        var endIndex = Math.Min(p, n - 1);
        var next = Math.Min(p + 1, n);

        OnOpenTag(name, attributes, lt, endIndex);
        if (selfClosing || VoidElements.Contains(name))
        {
            OnCloseTag(name, lt, endIndex);
            return next;
        }
        _stack.Add(name);
        if (name is "script" or "style" or "title" or "textarea" && !selfClosing)
        {
            // Raw-text elements: their content runs to the matching end tag, markup inside is not parsed.
            var close = IndexOfCloseTag(name, next);
            if (close < 0) return n;
            EmitText(next, close);
            return close;
        }
        return next;
    }

    private int IndexOfCloseTag(string name, int from)
    {
        var s = _xml;
        var i = from;
        while (true)
        {
            var k = s.IndexOf("</", i, StringComparison.Ordinal);
            if (k < 0) return -1;
            if (k + 2 + name.Length <= s.Length && string.Compare(s, k + 2, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var after = k + 2 + name.Length;
                if (after >= s.Length || IsTagNameEnd(s[after])) return k;
            }
            i = k + 2;
        }
    }

    private static bool ContainsKey(List<KeyValuePair<string, string>> list, string key)
    {
        foreach (var pair in list)
        {
            if (pair.Key == key) return true;
        }
        return false;
    }

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

    private void EmitText(int start, int end)
    {
        if (end > start) OnText(_xml[start..end]);
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
        var node = new MjmlNode(name, line) { Parent = _cur };
        node.Attributes.AddRange(attributes);
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
                    var partial = _xml.Substring(_endingOpenEnd + 1, endIndex - _endingOpenEnd - 1).Trim();
                    var idx = partial.LastIndexOf("</" + name, StringComparison.Ordinal);
                    var val = idx <= 0 ? "" : partial[..idx];
                    if (val.Length > 0) _endingNode.Content = val.Trim();
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

    private void OnText(string text)
    {
        if (_inEndingTag > 0 || _cur is null) return;
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return;
        _cur.Content = ((_cur.Content ?? "") + trimmed).Trim();
    }

    private void OnComment(string data, int start)
    {
        if (_inEndingTag > 0) return;
        if (_cur is not null && _keepComments)
        {
            var node = new MjmlNode("mj-raw", LineAt(start)) { Content = "<!--" + data + "-->", Parent = _cur };
            _cur.Children.Add(node);
        }
    }

}
