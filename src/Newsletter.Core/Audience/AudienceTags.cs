using Newsletter.Core;
namespace Newsletter.Core.Audience;

/// <summary>
/// The tag filter of a send: it narrows the targeted segments to the subscribers tagged with one of
/// <see cref="Districts"/> (区县) and following one of <see cref="Industries"/> (行业). An empty list does not narrow.
/// Values are trimmed, de-duplicated and sorted (ordinal), so filters naming the same tags in another order are equal
/// and share one <see cref="Key"/>: part of a campaign's identity, with its issue and segments.
/// </summary>
public sealed class AudienceTags : IEquatable<AudienceTags>
{
    private AudienceTags(IReadOnlyList<string> districts, IReadOnlyList<string> industries)
    {
        Districts = districts;
        Industries = industries;
        Key = IsEmpty ? "" : $"district={string.Join(',', districts)};industry={string.Join(',', industries)}";
    }

    /// <summary>No narrowing: every active subscriber of the segments.</summary>
    public static AudienceTags None { get; } = new([], []);

    public IReadOnlyList<string> Districts { get; }

    public IReadOnlyList<string> Industries { get; }

    public bool IsEmpty => Districts.Count == 0 && Industries.Count == 0;

    /// <summary>"" without tags, else <c>district=禹州市,魏都区;industry=新材料</c>: stored with the campaign and unique with its issue and segments.</summary>
    public string Key { get; }

    /// <summary>The filter of exactly these values (trimmed, blanks dropped); no check that they are known, see <see cref="Resolve"/>.</summary>
    public static AudienceTags Of(IEnumerable<string>? districts, IEnumerable<string>? industries)
    {
        var d = Normalize(districts);
        var i = Normalize(industries);
        return d.Length == 0 && i.Length == 0 ? None : new AudienceTags(d, i);
    }

    /// <summary>
    /// Resolves district and industry names as an editor types them (spaces ignored) to the stored spellings.
    /// A district is known when it is one of <see cref="Audience.Districts.Xuchang"/> or a subscriber carries it
    /// (<paramref name="storedDistricts"/>); an industry must be one of <see cref="Audience.Industries.All"/>.
    /// </summary>
    /// <exception cref="AudienceTagException">A name is blank or unknown; the hint suggests the closest known one.</exception>
    public static AudienceTags Resolve(IEnumerable<string> districtNames, IEnumerable<string> industryNames, IEnumerable<string> storedDistricts)
    {
        var stored = storedDistricts.Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d.Trim()).ToList();
        var knownDistricts = Audience.Districts.Xuchang.Concat(stored).Distinct(StringComparer.Ordinal).ToList();
        var districts = new List<string>();
        foreach (var name in districtNames)
        {
            // The stored spelling first: the store selects subscribers by exact district.
            var match = stored.Concat(knownDistricts).FirstOrDefault(k => Fold(k) == Fold(name));
            if (Fold(name).Length == 0 || match is null)
            {
                throw Unknown("district", name, knownDistricts);
            }
            districts.Add(match);
        }
        var industries = new List<string>();
        foreach (var name in industryNames)
        {
            if (!Audience.Industries.TryResolve(name, out var industry))
            {
                throw Unknown("industry", name, Audience.Industries.All);
            }
            industries.Add(industry);
        }
        return Of(districts, industries);
    }

    /// <summary>The store's filter: these tags within <paramref name="segments"/>.</summary>
    public AudienceFilter For(IReadOnlyList<string> segments) =>
        new(segments, Districts.Count > 0 ? Districts : null, Industries.Count > 0 ? Industries : null);

    /// <summary>"district 禹州市, 魏都区; industry 新材料" for messages; "" without tags.</summary>
    public string Describe()
    {
        var parts = new List<string>(2);
        if (Districts.Count > 0)
        {
            parts.Add("district " + string.Join(", ", Districts));
        }
        if (Industries.Count > 0)
        {
            parts.Add("industry " + string.Join(", ", Industries));
        }
        return string.Join("; ", parts);
    }

    public bool Equals(AudienceTags? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as AudienceTags);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    public override string ToString() => Key;

    private static string[] Normalize(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string Fold(string? s) => string.Concat((s ?? "").Where(c => !char.IsWhiteSpace(c) && c != '\u3000'));

    private static AudienceTagException Unknown(string what, string name, IReadOnlyList<string> known)
    {
        var list = $"known {what} values: {string.Join("、", known)}";
        if (Fold(name).Length == 0)
        {
            return new AudienceTagException($"empty {what} name", "name one or more, comma-separated; " + list);
        }
        return new AudienceTagException($"unknown {what} '{name.Trim()}'",
            Issues.Suggestions.Closest(Fold(name), known) is { } close ? $"did you mean '{close}'? {list}" : list);
    }
}

/// <summary>A district or industry name that names nothing known; <see cref="UserFacingException.Hint"/> says how to fix it. Nothing was created.</summary>
public sealed class AudienceTagException(string message, string hint) : UserFacingException(message, hint);
