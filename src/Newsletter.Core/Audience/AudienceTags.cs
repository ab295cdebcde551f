using Newsletter.Core;
using Newsletter.Core.Localization;
namespace Newsletter.Core.Audience;

/// <summary>
/// The tag filter of a send: it narrows the targeted segments to the subscribers tagged, for each <see cref="TagKind"/>
/// with values, with one of them — one of <see cref="Districts"/> (区县) and following one of <see cref="Industries"/>
/// (行业). An empty list does not narrow. Values are trimmed, de-duplicated and sorted (ordinal), so filters naming the
/// same tags in another order are equal and share one <see cref="Key"/>: part of a campaign's identity, with its issue
/// and segments.
/// </summary>
public sealed class AudienceTags : IEquatable<AudienceTags>
{
    private AudienceTags(IReadOnlyList<TagFilter> filters)
    {
        Filters = filters;
        Key = IsEmpty ? "" : string.Join(';', filters.Where(f => f.Kind.AlwaysInKey || f.Values.Count > 0)
            .Select(f => $"{f.Kind.Name}={string.Join(',', f.Values)}"));
    }

    /// <summary>No narrowing: every active subscriber of the segments.</summary>
    public static AudienceTags None { get; } = new([.. TagKind.All.Select(k => new TagFilter(k, []))]);

    /// <summary>One filter per <see cref="TagKind.All"/>, in that order; a kind without values has an empty list.</summary>
    public IReadOnlyList<TagFilter> Filters { get; }

    public IReadOnlyList<string> Districts => Values(TagKind.District);

    public IReadOnlyList<string> Industries => Values(TagKind.Industry);

    /// <summary>The values of every kind, in kind order: "禹州市、新材料" in lists of campaigns.</summary>
    public IEnumerable<string> AllValues => Filters.SelectMany(f => f.Values);

    public bool IsEmpty => Filters.All(f => f.Values.Count == 0);

    /// <summary>"" without tags, else <c>district=禹州市,魏都区;industry=新材料</c>: stored with the campaign and unique with its issue and segments.</summary>
    public string Key { get; }

    public IReadOnlyList<string> Values(TagKind kind) => Filters.First(f => f.Kind == kind).Values;

    /// <summary>The filter of exactly these values (trimmed, blanks dropped); no check that they are known, see <see cref="Resolve(IEnumerable{TagFilter}, Func{TagKind, IEnumerable{string}})"/>.</summary>
    public static AudienceTags Of(IEnumerable<string>? districts, IEnumerable<string>? industries) =>
        Of([new TagFilter(TagKind.District, districts?.ToList() ?? []), new TagFilter(TagKind.Industry, industries?.ToList() ?? [])]);

    /// <summary>The filter of these kinds' values (trimmed, blanks dropped; several filters of one kind are merged).</summary>
    public static AudienceTags Of(IEnumerable<TagFilter> filters)
    {
        var given = filters.ToList();
        var all = TagKind.All.Select(k => new TagFilter(k, Normalize(given.Where(f => f.Kind == k).SelectMany(f => f.Values)))).ToList();
        return all.All(f => f.Values.Count == 0) ? None : new AudienceTags(all);
    }

    /// <summary>
    /// Resolves district and industry names as an editor types them (spaces ignored) to the stored spellings.
    /// A district is known when it is one of <see cref="Audience.Districts.Xuchang"/> or a subscriber carries it
    /// (<paramref name="storedDistricts"/>); an industry must be one of <see cref="Audience.Industries.All"/>.
    /// </summary>
    /// <exception cref="AudienceTagException">A name is blank or unknown; the hint suggests the closest known one.</exception>
    public static AudienceTags Resolve(IEnumerable<string> districtNames, IEnumerable<string> industryNames, IEnumerable<string> storedDistricts) =>
        Resolve([new TagFilter(TagKind.District, [.. districtNames]), new TagFilter(TagKind.Industry, [.. industryNames])],
            kind => kind == TagKind.District ? storedDistricts : []);

    /// <summary>
    /// Resolves names as an editor types them (spaces ignored) to the stored spellings: a name is known when it is one
    /// of its kind's <see cref="TagKind.Known"/> values or, for a kind whose <see cref="TagKind.StoredValuesKnown"/>,
    /// a value some subscriber carries (<paramref name="stored"/>; the stored spelling wins).
    /// </summary>
    /// <exception cref="AudienceTagException">A name is blank or unknown; the hint suggests the closest known one.</exception>
    public static AudienceTags Resolve(IEnumerable<TagFilter> named, Func<TagKind, IEnumerable<string>> stored)
    {
        var resolved = new List<TagFilter>();
        foreach (var filter in named)
        {
            var kind = filter.Kind;
            // The stored spelling first: the store selects subscribers by exact value.
            var carried = kind.StoredValuesKnown ? stored(kind).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList() : [];
            var known = kind.Known.Concat(carried).Distinct(StringComparer.Ordinal).ToList();
            var values = new List<string>();
            foreach (var name in filter.Values)
            {
                var match = carried.Concat(known).FirstOrDefault(k => Fold(k) == Fold(name));
                if (Fold(name).Length == 0 || match is null)
                {
                    throw Unknown(Texts.IsEnglish ? kind.Name : kind.ChineseName, name, known);
                }
                values.Add(match);
            }
            resolved.Add(filter with { Values = values });
        }
        return Of(resolved);
    }

    /// <summary>The store's filter: these tags within <paramref name="segments"/>.</summary>
    public AudienceFilter For(IReadOnlyList<string> segments) => new(segments, this);

    /// <summary>"district 禹州市, 魏都区; industry 新材料" for messages; "" without tags.</summary>
    public string Describe() =>
        string.Join("; ", Filters.Where(f => f.Values.Count > 0).Select(f => (Texts.IsEnglish ? f.Kind.Name + " " : f.Kind.ChineseName + "：") + string.Join(", ", f.Values)));

    public bool Equals(AudienceTags? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as AudienceTags);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    public override string ToString() => Key;

    private static string[] Normalize(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string Fold(string? s) => string.Concat((s ?? "").Where(c => !char.IsWhiteSpace(c) && c != '\u3000'));

    private static AudienceTagException Unknown(string what, string name, IReadOnlyList<string> known)
    {
        var list = Texts.Format("core.tag.known", what, string.Join("、", known));
        if (Fold(name).Length == 0)
        {
            return new AudienceTagException(Texts.Format("core.tag.empty", what), Texts.Format("core.tag.empty_hint", list));
        }
        return new AudienceTagException(Texts.Format("core.tag.unknown", what, name.Trim()),
            Issues.Suggestions.Closest(Fold(name), known) is { } close ? Texts.Format("core.did_you_mean", close) + " " + list : list);
    }
}

/// <summary>A district or industry name that names nothing known; <see cref="UserFacingException.Hint"/> says how to fix it. Nothing was created.</summary>
public sealed class AudienceTagException(string message, string hint) : UserFacingException(message, hint);
