namespace Newsletter.Mjml.PostProcessing;

/// <summary>
/// A CSS selector (one of a comma-separated list): compound selectors joined by combinators, matched right to left.
/// Supports type, universal, #id, .class, attribute selectors (=, ~=, |=, ^=, $=, *=, with the i flag), :first-child,
/// :last-child, :only-child, :nth-child, :nth-last-child, :first-of-type, :last-of-type, :only-of-type, :empty,
/// :root and :not(). Anything else makes <see cref="TryParse"/> fail, and the rule is skipped, as css-select throws.
/// </summary>
internal sealed class CssSelector
{
    private readonly List<Compound> _compounds;
    private readonly List<char> _combinators;

    private CssSelector(List<Compound> compounds, List<char> combinators, int[] specificity, IReadOnlyList<string> pseudoNames)
    {
        _compounds = compounds;
        _combinators = combinators;
        Specificity = specificity;
        PseudoNames = pseudoNames;
    }

    /// <summary>Specificity as juice computes it: [0, ids, classes + attributes, tags + pseudos].</summary>
    public int[] Specificity { get; }

    /// <summary>The names of all pseudo-classes and pseudo-elements used (juice skips rules with :hover and the like).</summary>
    public IReadOnlyList<string> PseudoNames { get; }

    /// <summary>The type the matched elements must have (the rightmost compound's), or null.</summary>
    public string? SubjectTag => _compounds[^1].Tag;

    /// <summary>The id the matched elements must have (the rightmost compound's), or null.</summary>
    public string? SubjectId => _compounds[^1].Id;

    /// <summary>The classes the matched elements must all have (the rightmost compound's); empty when none.</summary>
    public IReadOnlyList<string> SubjectClasses => _compounds[^1].Classes;

    private sealed class Compound
    {
        public string? Tag;
        public string? Id;
        public List<string> Classes = [];
        public List<(string Name, string? Op, string? Value, bool IgnoreCase)> Attributes = [];
        public List<(string Name, string? Argument, CssSelector? Not)> Pseudos = [];
    }

    public static CssSelector? TryParse(string text)
    {
        try
        {
            var p = new Parser(text.Trim());
            return p.Parse();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class Parser(string s)
    {
        private int _i;

        public CssSelector Parse()
        {
            var compounds = new List<Compound>();
            var combinators = new List<char>();
            var spec = new int[4];
            var pseudoNames = new List<string>();
            SkipSpace();
            compounds.Add(ParseCompound(spec, pseudoNames));
            while (true)
            {
                var hadSpace = SkipSpace();
                if (_i >= s.Length) break;
                var c = s[_i];
                char combinator;
                if (c is '>' or '+' or '~')
                {
                    combinator = c;
                    _i++;
                    SkipSpace();
                }
                else if (hadSpace)
                {
                    combinator = ' ';
                }
                else
                {
                    throw new FormatException("unexpected " + c);
                }
                combinators.Add(combinator);
                compounds.Add(ParseCompound(spec, pseudoNames));
            }
            return new CssSelector(compounds, combinators, spec, pseudoNames);
        }

        private bool SkipSpace()
        {
            var start = _i;
            while (_i < s.Length && char.IsWhiteSpace(s[_i])) _i++;
            return _i > start;
        }

        private string Identifier()
        {
            var start = _i;
            while (_i < s.Length && (char.IsLetterOrDigit(s[_i]) || s[_i] is '-' or '_' || s[_i] > 127 || (s[_i] == '\\' && _i + 1 < s.Length && _i++ >= 0)))
            {
                _i++;
            }
            if (_i == start) throw new FormatException("identifier expected");
            return s[start.._i].Replace("\\", "", StringComparison.Ordinal);
        }

        private Compound ParseCompound(int[] spec, List<string> pseudoNames)
        {
            var compound = new Compound();
            var any = false;
            if (_i < s.Length && s[_i] == '*')
            {
                _i++;
                any = true;
            }
            else if (_i < s.Length && (char.IsLetter(s[_i]) || s[_i] is '_' or '-' || s[_i] > 127))
            {
                compound.Tag = Identifier().ToLowerInvariant();
                spec[3]++;
                any = true;
            }
            while (_i < s.Length)
            {
                var c = s[_i];
                if (c == '#')
                {
                    _i++;
                    compound.Id = Identifier();
                    spec[1]++;
                }
                else if (c == '.')
                {
                    _i++;
                    compound.Classes.Add(Identifier());
                    spec[2]++;
                }
                else if (c == '[')
                {
                    _i++;
                    SkipSpace();
                    var name = Identifier().ToLowerInvariant();
                    SkipSpace();
                    string? op = null;
                    string? value = null;
                    var ignoreCase = false;
                    if (_i < s.Length && s[_i] != ']')
                    {
                        if (s[_i] == '=') { op = "="; _i++; }
                        else if (_i + 1 < s.Length && s[_i + 1] == '=' && s[_i] is '~' or '|' or '^' or '$' or '*') { op = s[_i] + "="; _i += 2; }
                        else throw new FormatException("bad attribute operator");
                        SkipSpace();
                        if (_i < s.Length && s[_i] is '"' or '\'')
                        {
                            var quote = s[_i];
                            var close = s.IndexOf(quote, _i + 1);
                            if (close < 0) throw new FormatException("unterminated string");
                            value = s[(_i + 1)..close];
                            _i = close + 1;
                        }
                        else
                        {
                            value = Identifier();
                        }
                        SkipSpace();
                        if (_i < s.Length && s[_i] is 'i' or 'I')
                        {
                            ignoreCase = true;
                            _i++;
                            SkipSpace();
                        }
                    }
                    if (_i >= s.Length || s[_i] != ']') throw new FormatException("] expected");
                    _i++;
                    compound.Attributes.Add((name, op, value, ignoreCase));
                    spec[2]++;
                }
                else if (c == ':')
                {
                    _i++;
                    if (_i < s.Length && s[_i] == ':') _i++;
                    var name = Identifier().ToLowerInvariant();
                    pseudoNames.Add(name);
                    string? argument = null;
                    CssSelector? not = null;
                    if (_i < s.Length && s[_i] == '(')
                    {
                        var depth = 1;
                        var start = ++_i;
                        while (_i < s.Length && depth > 0)
                        {
                            if (s[_i] == '(') depth++;
                            else if (s[_i] == ')') depth--;
                            _i++;
                        }
                        if (depth != 0) throw new FormatException(") expected");
                        argument = s[start..(_i - 1)].Trim();
                    }
                    if (name == "not")
                    {
                        not = TryParse(argument ?? "") ?? throw new FormatException("bad :not");
                        for (var k = 0; k < 4; k++) spec[k] += not.Specificity[k];
                    }
                    else
                    {
                        spec[3]++;
                    }
                    compound.Pseudos.Add((name, argument, not));
                }
                else
                {
                    break;
                }
                any = true;
            }
            if (!any) throw new FormatException("selector expected");
            return compound;
        }
    }

    /// <summary>True when <paramref name="element"/> matches.</summary>
    public bool Matches(DomElement element) => MatchFrom(element, _compounds.Count - 1);

    private bool MatchFrom(DomElement element, int index)
    {
        if (!MatchCompound(_compounds[index], element)) return false;
        if (index == 0) return true;
        switch (_combinators[index - 1])
        {
            case '>':
                return element.Parent is { Name: not "#root" } parent && MatchFrom(parent, index - 1);
            case ' ':
                for (var a = element.Parent; a is not null && a.Name != "#root"; a = a.Parent)
                {
                    if (MatchFrom(a, index - 1)) return true;
                }
                return false;
            case '+':
                return PreviousSibling(element) is { } prev && MatchFrom(prev, index - 1);
            case '~':
                for (var sib = PreviousSibling(element); sib is not null; sib = PreviousSibling(sib))
                {
                    if (MatchFrom(sib, index - 1)) return true;
                }
                return false;
            default:
                return false;
        }
    }

    /// <summary>True when the whitespace-separated list <paramref name="list"/> holds <paramref name="token"/>.</summary>
    private static bool HasToken(ReadOnlySpan<char> list, string token)
    {
        var span = list;
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i])) i++;
            var start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i])) i++;
            if (i > start && span[start..i].SequenceEqual(token)) return true;
        }
        return false;
    }

    private static DomElement? PreviousSibling(DomElement element) => element.PreviousSibling;

    private static bool MatchCompound(Compound c, DomElement e)
    {
        if (c.Tag is not null && c.Tag != e.Name) return false;
        if (c.Id is not null && !(e.TryGetAttribute("id", out var id) && id.SequenceEqual(c.Id))) return false;
        if (c.Classes.Count > 0)
        {
            if (!e.TryGetAttribute("class", out var cls)) return false;
            foreach (var name in c.Classes)
            {
                if (!HasToken(cls, name)) return false;
            }
        }
        foreach (var (name, op, value, ignoreCase) in c.Attributes)
        {
            var actual = e.GetAttribute(name);
            if (actual is null) return false;
            if (op is null) continue;
            var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var v = value ?? "";
            var ok = op switch
            {
                "=" => string.Equals(actual, v, comparison),
                "~=" => actual.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Any(w => string.Equals(w, v, comparison)),
                "|=" => string.Equals(actual, v, comparison) || actual.StartsWith(v + "-", comparison),
                "^=" => v.Length > 0 && actual.StartsWith(v, comparison),
                "$=" => v.Length > 0 && actual.EndsWith(v, comparison),
                "*=" => v.Length > 0 && actual.Contains(v, comparison),
                _ => false,
            };
            if (!ok) return false;
        }
        foreach (var (name, argument, not) in c.Pseudos)
        {
            if (!MatchPseudo(name, argument, not, e)) return false;
        }
        return true;
    }

    private static bool MatchPseudo(string name, string? argument, CssSelector? not, DomElement e)
    {
        var siblings = e.Parent?.Children;
        switch (name)
        {
            case "not":
                return !not!.Matches(e);
            case "first-child":
                return e.Index == 0;
            case "last-child":
                return siblings is not null && e.Index == siblings.Count - 1;
            case "only-child":
                return siblings is not null && siblings.Count == 1;
            case "first-of-type":
                return siblings is not null && !siblings.Take(e.Index).Any(x => x.Name == e.Name);
            case "last-of-type":
                return siblings is not null && !siblings.Skip(e.Index + 1).Any(x => x.Name == e.Name);
            case "only-of-type":
                return siblings is not null && siblings.Count(x => x.Name == e.Name) == 1;
            case "empty":
                return e.ChildCount == 0 && !e.HasText;
            case "root":
                return e.Parent is null || e.Parent.Name == "#root";
            case "nth-child":
                return NthMatches(argument, e.Index + 1);
            case "nth-last-child":
                return siblings is not null && NthMatches(argument, siblings.Count - e.Index);
            default:
                throw new FormatException("unsupported pseudo " + name);
        }
    }

    private static bool NthMatches(string? argument, int position)
    {
        var arg = (argument ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        int a, b;
        if (arg == "odd") (a, b) = (2, 1);
        else if (arg == "even") (a, b) = (2, 0);
        else if (arg.Contains('n', StringComparison.Ordinal))
        {
            var k = arg.IndexOf('n', StringComparison.Ordinal);
            var aText = arg[..k];
            a = aText switch { "" or "+" => 1, "-" => -1, _ => int.Parse(aText, System.Globalization.CultureInfo.InvariantCulture) };
            var bText = arg[(k + 1)..];
            b = bText.Length == 0 ? 0 : int.Parse(bText, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            a = 0;
            b = int.Parse(arg, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (a == 0) return position == b;
        var diff = position - b;
        return diff % a == 0 && diff / a >= 0;
    }
}
