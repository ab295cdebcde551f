namespace Newsletter.Core.Audience;

/// <summary>
/// The industries a subscriber can follow and an article can be tagged with: Xuchang's "6+3+3" list — six strategic
/// emerging industries, three advantageous leading industries, three traditional industries being upgraded.
/// The one place the list is spelled out; help texts, validators and the importer read it from here.
/// </summary>
public static class Industries
{
    /// <summary>六大战略性新兴产业.</summary>
    public static IReadOnlyList<string> Emerging { get; } = ["新一代信息技术", "新材料", "生物医药", "智能装备", "新能源汽车", "节能环保"];

    /// <summary>三大优势主导产业.</summary>
    public static IReadOnlyList<string> Leading { get; } = ["装备制造", "食品", "发制品"];

    /// <summary>三大传统产业.</summary>
    public static IReadOnlyList<string> Traditional { get; } = ["建材", "化工", "轻纺"];

    /// <summary>All twelve, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Emerging, .. Leading, .. Traditional];

    /// <summary>"新一代信息技术、新材料、…" for messages and help.</summary>
    public static string Describe() => string.Join("、", All);

    /// <summary>Matches a listed industry ignoring spaces (full-width ones too); false for anything else.</summary>
    public static bool TryResolve(string text, out string industry)
    {
        var folded = TagList.Fold(text);
        industry = All.FirstOrDefault(i => i == folded) ?? "";
        return industry.Length > 0;
    }

    /// <summary>How an imported industry name relates to the list (see <see cref="TagList.Match"/>).</summary>
    public static TagMatch Match(string text) => TagList.Match(text, All);
}

/// <summary>The districts a subscriber is normally tagged with; the one place the list is spelled out.</summary>
public static class Districts
{
    /// <summary>The county-level divisions of 许昌市 and its functional zones.</summary>
    public static IReadOnlyList<string> Xuchang { get; } =
    [
        "魏都区", "建安区", "禹州市", "长葛市", "鄢陵县", "襄城县",
        "许昌经济技术开发区", "许昌城乡一体化示范区", "东城区",
    ];

    /// <summary>"魏都区、建安区、…" for messages and help.</summary>
    public static string Describe() => string.Join("、", Xuchang);

    /// <summary>How an imported district name relates to the list (see <see cref="TagList.Match"/>).</summary>
    public static TagMatch Match(string text) => TagList.Match(text, Xuchang);
}

/// <summary>What a written tag is: <see cref="Known"/> as written, a likely typo of exactly one <see cref="TagMatch.Candidates"/>, several, or none.</summary>
public enum TagMatchKind
{
    Known,
    Corrected,
    Ambiguous,
    Unknown,
}

/// <summary>The answer of <see cref="TagList.Match"/>: the kind, and the known values it points to (one for Known and Corrected).</summary>
public sealed record TagMatch(TagMatchKind Kind, IReadOnlyList<string> Candidates)
{
    /// <summary>The known value to store: for Known and Corrected only.</summary>
    public string? Value => Kind is TagMatchKind.Known or TagMatchKind.Corrected ? Candidates[0] : null;
}

/// <summary>Matching a written tag (district, industry) against its known list, with "did you mean".</summary>
public static class TagList
{
    /// <summary>
    /// Known when the value equals a listed one (spaces and full-width forms ignored). Otherwise the likely typos:
    /// listed values that start with it or that it starts with (鄢陵 → 鄢陵县, 新材料产业 → 新材料), and failing
    /// those, the listed values one edit away (鄢林县 → 鄢陵县). One such value is Corrected, several Ambiguous.
    /// </summary>
    public static TagMatch Match(string text, IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        // Written exactly as listed (most rows of a list): no folding, and the answer made once per value.
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i], text, StringComparison.Ordinal)) return ExactMatches.GetOrAdd(known[i], k => new(TagMatchKind.Known, [k]));
        }
        var folded = Fold(text);
        if (known.FirstOrDefault(k => k == folded) is { } exact)
        {
            return new(TagMatchKind.Known, [exact]);
        }
        if (folded.Length < 2)
        {
            return new(TagMatchKind.Unknown, []);
        }
        List<string> close = [.. known.Where(k => k.StartsWith(folded, StringComparison.Ordinal) || folded.StartsWith(k, StringComparison.Ordinal))];
        if (close.Count == 0)
        {
            close = [.. known.Where(k => Distance(folded, k) <= 1)];
        }
        return close.Count switch
        {
            0 => new(TagMatchKind.Unknown, []),
            1 => new(TagMatchKind.Corrected, close),
            _ => new(TagMatchKind.Ambiguous, close),
        };
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TagMatch> ExactMatches = new(StringComparer.Ordinal);

    /// <summary>The value with spaces (ASCII and full-width) removed and full-width letters and digits made narrow.</summary>
    public static string Fold(string? text) =>
        string.Concat(FullWidth.Narrow(text ?? "").Where(c => !char.IsWhiteSpace(c)));

    // One substitution, insertion or deletion at most: enough for a slipped character, never two different places.
    private static int Distance(string a, string b)
    {
        if (a.Length == b.Length)
        {
            return a.Zip(b).Count(p => p.First != p.Second);
        }
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        for (var i = 0; i < longer.Length; i++)
        {
            if (longer.Remove(i, 1) == shorter) return 1;
        }
        return 2;
    }
}

/// <summary>Full-width forms as Chinese input methods type them (＠ ； ，１２３ Ａ and the ideographic space).</summary>
public static class FullWidth
{
    /// <summary>
    /// The text with full-width ASCII (U+FF01–FF5E) made narrow and the ideographic space (U+3000) made a plain space.
    /// Used on addresses, lists and headers only: names and organisations keep their （）and ，as written.
    /// </summary>
    public static string Narrow(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E') && !text.Contains('\u3000', StringComparison.Ordinal))
        {
            return text;
        }
        return string.Create(text.Length, text, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }
}
