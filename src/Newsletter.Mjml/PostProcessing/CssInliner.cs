namespace Newsletter.Mjml.PostProcessing;

/// <summary>
/// Inlines mj-style inline="inline" CSS the way mjml 5.4.1 calls juice 11 (applyStyleTags off, width/height and
/// table attributes on, !important removed): each matched element's style becomes its winning properties ordered by
/// specificity, then source position.
/// </summary>
internal static class CssInliner
{
    private static readonly HashSet<string> NonVisual = new(StringComparer.Ordinal) { "head", "title", "base", "link", "style", "meta", "script", "noscript" };
    private static readonly HashSet<string> IgnoredPseudos = new(StringComparer.Ordinal) { "hover", "active", "focus", "visited", "link" };
    private static readonly HashSet<string> DimensionElements = new(StringComparer.Ordinal) { "table", "td", "th", "img" };
    private static readonly HashSet<string> TableElements = new(StringComparer.Ordinal) { "table", "th", "tr", "td", "caption", "colgroup", "col", "thead", "tbody", "tfoot" };

    private static readonly int[] StyleAttributeSpecificity = [1, 0, 0, 0];

    private sealed class Prop
    {
        public required string Name;
        public required string Value;
        public required object Selector;
        public required int[] Specificity;
        public required int Priority;
        public required int Line;
        public required int Column;
        public Prop? Next;

        /// <summary>juice's Property.compareFunc: [specificity with priority added to the first, line, column].</summary>
        public int CompareTo(Prop other)
        {
            for (var k = 0; k < 6; k++)
            {
                var a = Component(k);
                var b = other.Component(k);
                if (a != b) return a > b ? 1 : -1;
            }
            return 0;
        }

        private int Component(int k) => k switch
        {
            0 => Specificity[0] + Priority,
            < 4 => Specificity[k],
            4 => Line,
            _ => Column,
        };
    }

    /// <summary>
    /// Inlines <paramref name="css"/> into <paramref name="html"/> (a string, or a pooled buffer the caller keeps until
    /// this returns); with <paramref name="mergeConditionals"/>, the result is also <see cref="Rendering.Conditionals.Merge"/>d
    /// (in the same pass, which saves two copies of the document).
    /// </summary>
    public static string Inline(ReadOnlyMemory<char> html, string css, bool mergeConditionals)
    {
        // juice sees the style-tag CSS (none: applyStyleTags is off) + "\n" + extraCss.
        var rules = CssRules.Parse("\n" + css);
        if (rules.Count == 0) return mergeConditionals ? Rendering.Conditionals.Merge(HtmlDom.Text(html)) : HtmlDom.Text(html);
        var blocks = new List<string>();
        if (html.Span.IndexOf("<%", StringComparison.Ordinal) >= 0 || html.Span.IndexOf("{{", StringComparison.Ordinal) >= 0)
        {
            html = EncodeCodeBlocks(html.ToString(), blocks).AsMemory();
        }
        var dom = HtmlDom.Parse(html, xmlMode: false);
        var edited = new List<DomElement>();
        foreach (var rule in rules)
        {
            var selector = CssSelector.TryParse(rule.Selector);
            if (selector is null) continue;
            if (selector.PseudoNames.Any(IgnoredPseudos.Contains)) continue;
            // Pseudo-elements become detached spans in juice; without inlinePseudoElements they change nothing.
            if (selector.PseudoNames.Any(p => p is "before" or "after")) continue;
            if (dom.Select(selector) is not { } matched) continue;
            foreach (var element in matched)
            {
                if (NonVisual.Contains(element.Name)) continue;
                if (element.StyleProps is not List<Prop> props)
                {
                    props = [];
                    element.StyleProps = props;
                    if (element.TryGetAttribute("style", out var style) && style.Length > 0)
                    {
                        AddProps(props, CssRules.ParseInline(style), StyleAttributeSpecificity, StyleAttributeSpecificity);
                    }
                    edited.Add(element);
                }
                AddProps(props, rule.Declarations, selector, selector.Specificity);
            }
        }
        foreach (var element in edited) Apply(element);
        if (blocks.Count > 0)
        {
            // cheerio re-serialises every tag, quoting attribute values: a block written unquoted (href={{ url }}) comes
            // out quoted. Our DOM rewrites only edited start tags, so those holding a block are rewritten too.
            foreach (var element in dom.Elements)
            {
                if (element.Edited) continue;
                for (var i = 0; i < element.AttributeCount; i++)
                {
                    if (element.AttributeName(i).Contains(CodeBlockPrefix, StringComparison.OrdinalIgnoreCase)
                        || element.AttributeValue(i).Contains(CodeBlockPrefix, StringComparison.OrdinalIgnoreCase))
                    {
                        element.Edited = true;
                        break;
                    }
                }
            }
        }
        if (blocks.Count == 0) return dom.Serialize(mergeConditionals);
        var decoded = DecodeCodeBlocks(dom.Serialize(), blocks);
        return mergeConditionals ? Rendering.Conditionals.Merge(decoded) : decoded;
    }

    private const string CodeBlockPrefix = "JUICE_CODE_BLOCK_";

    /// <summary>
    /// juice's codeBlocks (EJS <c>&lt;% %&gt;</c>, then Handlebars <c>{{ }}</c>): each block becomes a placeholder word
    /// before the document is parsed, so template code in attributes survives as one value.
    /// </summary>
    private static string EncodeCodeBlocks(string html, List<string> blocks)
    {
        foreach (var (start, end) in new[] { ("<%", "%>"), ("{{", "}}") })
        {
            if (!html.Contains(start, StringComparison.Ordinal)) continue;
            html = System.Text.RegularExpressions.Regex.Replace(html,
                System.Text.RegularExpressions.Regex.Escape(start) + "([\\S\\s]*?)" + System.Text.RegularExpressions.Regex.Escape(end),
                match =>
                {
                    blocks.Add(match.Value);
                    return CodeBlockPrefix + (blocks.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "_";
                });
        }
        return html;
    }

    /// <summary>Puts the blocks back, as juice does: a placeholder that became an empty attribute (<c>="")</c> loses the <c>=""</c>.</summary>
    private static string DecodeCodeBlocks(string html, List<string> blocks)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            html = System.Text.RegularExpressions.Regex.Replace(html,
                CodeBlockPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "_(=\"\")?", _ => block,
                System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        }
        return html;
    }

    /// <summary>
    /// juice's styleProps: the winning property per name, in insertion order, a name that changes selector moving to
    /// the end (a list, not a dictionary: an element has a handful of properties).
    /// </summary>
    private static void AddProps(List<Prop> props, IReadOnlyList<CssDeclaration> declarations, object selector, int[] specificity)
    {
        foreach (var d in declarations)
        {
            var value = d.Value;
            var important = value.EndsWith("!important", StringComparison.Ordinal);
            if (important) value = value[..^"!important".Length].TrimEnd();
            var prop = new Prop
            {
                Name = d.Name, Value = value, Selector = selector, Specificity = specificity, Priority = important ? 2 : 0, Line = d.Line, Column = d.Column,
            };
            var at = IndexOf(props, d.Name);
            var existing = at < 0 ? null : props[at];
            if (existing is null)
            {
                props.Add(prop);
            }
            else if (existing.CompareTo(prop) != 1)
            {
                if (!ReferenceEquals(existing.Selector, selector))
                {
                    props.RemoveAt(at);
                    props.Add(prop);
                }
                else
                {
                    prop.Next = existing;
                    props[at] = prop;
                }
            }
        }
    }

    private static int IndexOf(List<Prop> props, string name)
    {
        for (var i = 0; i < props.Count; i++)
        {
            if (props[i].Name == name) return i;
        }
        return -1;
    }

    [ThreadStatic]
    private static System.Text.StringBuilder? _styleText;

    private static void Apply(DomElement element)
    {
        var props = (List<Prop>)element.StyleProps!;
        var sorted = new List<Prop>(props.Count + 4);
        foreach (var first in props)
        {
            for (var p = first; p is not null; p = p.Next)
            {
                // Insertion sort, stable: equal properties keep their order (juice sorts with Array.prototype.sort).
                var j = sorted.Count;
                sorted.Add(p);
                while (j > 0 && sorted[j - 1].CompareTo(p) > 0)
                {
                    sorted[j] = sorted[j - 1];
                    j--;
                }
                sorted[j] = p;
            }
        }
        var text = _styleText ??= new System.Text.StringBuilder(256);
        text.Clear();
        foreach (var p in sorted)
        {
            if (p.Name.StartsWith("--", StringComparison.Ordinal) || p.Name == "content") continue;
            if (text.Length > 0) text.Append(' ');
            text.Append(p.Name).Append(": ").Append(p.Value.Replace('"', '\'')).Append(';');
        }
        if (text.Length > 0) element.SetAttribute("style", text.ToString());

        SetDimension(element, props, "width");
        SetDimension(element, props, "height");
        if (TableElements.Contains(element.Name))
        {
            foreach (var p in props)
            {
                var attribute = p.Name switch
                {
                    "background-color" => "bgcolor",
                    "background-image" => "background",
                    "text-align" => "align",
                    "vertical-align" => "valign",
                    _ => null,
                };
                if (attribute is null) continue;
                var value = p.Value;
                if (attribute == "background" && value.StartsWith("url(", StringComparison.Ordinal)) value = ExtractUrl(value);
                if (value.Contains("linear-gradient(", StringComparison.OrdinalIgnoreCase) || value.Contains("radial-gradient(", StringComparison.OrdinalIgnoreCase)) continue;
                element.SetAttribute(attribute, value);
            }
        }
    }

    private static string ExtractUrl(string value)
    {
        // /^url\((["'])?([^"']+)\1\)$/
        var inner = value[4..];
        if (!inner.EndsWith(')')) return value;
        inner = inner[..^1];
        if (inner.Length >= 2 && inner[0] is '"' or '\'' && inner[^1] == inner[0]) inner = inner[1..^1];
        return inner.Length > 0 && inner.IndexOfAny(['"', '\'']) < 0 ? inner : value;
    }

    private static void SetDimension(DomElement element, List<Prop> props, string dimension)
    {
        if (!DimensionElements.Contains(element.Name)) return;
        foreach (var p in props)
        {
            if (p.Name != dimension) continue;
            var value = p.Value;
            if (value.Contains("px", StringComparison.Ordinal) || value.Contains("auto", StringComparison.Ordinal))
            {
                var k = value.IndexOf("px", StringComparison.Ordinal);
                element.SetAttribute(dimension, k < 0 ? value : value.Remove(k, 2));
                return;
            }
            if (TableElements.Contains(element.Name) && value.Contains('%', StringComparison.Ordinal))
            {
                element.SetAttribute(dimension, value);
                return;
            }
        }
    }
}
