namespace Newsletter.Mjml.PostProcessing;

/// <summary>One declaration of a CSS rule with its 1-based position (juice orders equal-specificity properties by it).</summary>
internal readonly record struct CssDeclaration(string Name, string Value, int Line, int Column);

/// <summary>A style rule: its selector text (one of the comma-separated list) and declarations.</summary>
internal sealed record CssRule(string Selector, IReadOnlyList<CssDeclaration> Declarations);

/// <summary>
/// Top-level style rules of a stylesheet, as juice reads them through mensch: comments dropped, at-rules (@media,
/// @font-face…) skipped with their blocks, selector lists split on top-level commas.
/// </summary>
internal static class CssRules
{
    public static List<CssRule> Parse(string css)
    {
        var rules = new List<CssRule>();
        var text = StripComments(css);
        var i = 0;
        var n = text.Length;
        var cursor = new Cursor();
        while (i < n)
        {
            while (i < n && (char.IsWhiteSpace(text[i]) || text[i] == ';')) i++;
            if (i >= n) break;
            if (text[i] == '@')
            {
                i = SkipAtRule(text, i);
                continue;
            }
            var open = text.IndexOf('{', i);
            if (open < 0) break;
            var selectorText = text[i..open];
            var close = FindBlockEnd(text, open + 1);
            var declarations = ParseDeclarations(css, text, open + 1, close, ref cursor);
            if (declarations.Count > 0)
            {
                foreach (var selector in SplitSelectors(selectorText)) rules.Add(new CssRule(selector, declarations));
            }
            i = close + 1;
        }
        return rules;
    }

    /// <summary>The declarations of an inline style attribute (juice wraps it in "* { … }").</summary>
    public static List<CssDeclaration> ParseInline(ReadOnlySpan<char> style)
    {
        var wrapped = string.Concat("* { ", style, " } ");
        var text = StripComments(wrapped);
        var cursor = new Cursor();
        return ParseDeclarations(wrapped, text, 3, text.LastIndexOf('}'), ref cursor);
    }

    /// <summary>Comments become spaces, so positions stay those of the original text.</summary>
    private static string StripComments(string css)
    {
        var k = css.IndexOf("/*", StringComparison.Ordinal);
        if (k < 0) return css;
        var chars = css.ToCharArray();
        while (k >= 0)
        {
            var end = css.IndexOf("*/", k + 2, StringComparison.Ordinal);
            var stop = end < 0 ? css.Length : end + 2;
            for (var j = k; j < stop; j++)
            {
                if (chars[j] != '\n') chars[j] = ' ';
            }
            k = end < 0 ? -1 : css.IndexOf("/*", stop, StringComparison.Ordinal);
        }
        return new string(chars);
    }

    private static int SkipAtRule(string text, int i)
    {
        var n = text.Length;
        for (var j = i; j < n; j++)
        {
            if (text[j] == ';') return j + 1;
            if (text[j] == '{') return FindBlockEnd(text, j + 1) + 1;
        }
        return n;
    }

    private static int FindBlockEnd(string text, int from)
    {
        var depth = 1;
        char quote = '\0';
        for (var j = from; j < text.Length; j++)
        {
            var c = text[j];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '\'') quote = c;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return j;
        }
        return text.Length;
    }

    private static List<CssDeclaration> ParseDeclarations(string original, string text, int start, int end, ref Cursor cursor)
    {
        var result = new List<CssDeclaration>();
        if (end < start) end = start;
        var i = start;
        while (i < end)
        {
            while (i < end && (char.IsWhiteSpace(text[i]) || text[i] == ';')) i++;
            if (i >= end) break;
            var declStart = i;
            var parens = 0;
            char quote = '\0';
            while (i < end)
            {
                var c = text[i];
                if (quote != '\0')
                {
                    if (c == quote) quote = '\0';
                }
                else if (c is '"' or '\'') quote = c;
                else if (c == '(') parens++;
                else if (c == ')') parens--;
                else if (c == ';' && parens <= 0) break;
                i++;
            }
            var decl = text[declStart..i];
            var colon = decl.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = decl[..colon].Trim();
                var value = decl[(colon + 1)..].Trim();
                if (name.Length > 0)
                {
                    var (line, column) = cursor.Position(original, declStart);
                    result.Add(new CssDeclaration(name, value, line, column));
                }
            }
        }
        return result;
    }

    /// <summary>Line and column of increasing indexes of one text, counted from where the last one was found.</summary>
    private struct Cursor
    {
        private int _index;
        private int _line;
        private int _lineStart;

        public (int Line, int Column) Position(string text, int index)
        {
            if (index < _index || _line == 0) (_index, _line, _lineStart) = (0, 1, 0);
            for (var k = _index; k < index; k++)
            {
                if (text[k] == '\n')
                {
                    _line++;
                    _lineStart = k + 1;
                }
            }
            _index = index;
            return (_line, index - _lineStart + 1);
        }
    }

    private static IEnumerable<string> SplitSelectors(string selectorText)
    {
        var depth = 0;
        var start = 0;
        for (var k = 0; k < selectorText.Length; k++)
        {
            var c = selectorText[k];
            if (c is '[' or '(') depth++;
            else if (c is ']' or ')') depth--;
            else if (c == ',' && depth == 0)
            {
                var part = selectorText[start..k].Trim();
                if (part.Length > 0) yield return part;
                start = k + 1;
            }
        }
        var last = selectorText[start..].Trim();
        if (last.Length > 0) yield return last;
    }
}
