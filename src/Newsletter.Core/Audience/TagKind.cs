namespace Newsletter.Core.Audience;

/// <summary>
/// A kind of tag a send can be narrowed by (district 区县, industry 行业): its name in keys and messages, the list of
/// known values, and the subscribers' column that holds it. <see cref="AudienceTags"/>, the subscriber store's filter
/// and the pages that show a campaign's filter read these definitions; a further kind is one more definition here
/// and its column (subscribers, campaigns, scheduled campaigns).
/// </summary>
public sealed class TagKind
{
    private TagKind(string name, string plural, string chineseName, IReadOnlyList<string> known, string column, bool isList,
        bool storedValuesKnown, bool alwaysInKey = true)
    {
        Name = name;
        Plural = plural;
        ChineseName = chineseName;
        Known = known;
        Column = column;
        IsList = isList;
        StoredValuesKnown = storedValuesKnown;
        AlwaysInKey = alwaysInKey;
    }

    /// <summary>A subscriber's county-level division (one per subscriber); any value a subscriber carries is known too.</summary>
    public static TagKind District { get; } = new("district", "districts", "区县", Districts.Xuchang, "district", isList: false, storedValuesKnown: true);

    /// <summary>The industries a subscriber follows (several per subscriber), only those of <see cref="Industries.All"/>.</summary>
    public static TagKind Industry { get; } = new("industry", "industries", "行业", Industries.All, "industries", isList: true, storedValuesKnown: false);

    /// <summary>Every kind, in the order of a filter's <see cref="AudienceTags.Key"/> and description.</summary>
    public static IReadOnlyList<TagKind> All { get; } = [District, Industry];

    /// <summary>"district": the word in campaign keys, descriptions and messages.</summary>
    public string Name { get; }

    /// <summary>"districts": the word in page element ids and resource keys.</summary>
    public string Plural { get; }

    public string ChineseName { get; }

    /// <summary>The listed values (<see cref="Districts.Xuchang"/>, <see cref="Industries.All"/>).</summary>
    public IReadOnlyList<string> Known { get; }

    /// <summary>The column of <c>subscribers</c> that holds the tag (a constant of ours, never user input).</summary>
    public string Column { get; }

    /// <summary>The column holds several values joined by <c>|</c> rather than one value.</summary>
    public bool IsList { get; }

    /// <summary>A value some subscriber carries is accepted in a filter even when it is not listed in <see cref="Known"/>.</summary>
    public bool StoredValuesKnown { get; }

    /// <summary>
    /// The kind is named in every non-empty <see cref="AudienceTags.Key"/>, even without values (district and industry:
    /// stored keys read <c>district=…;industry=</c>). A kind added later passes false, so it appears only when it has
    /// values and the keys of campaigns stored before it stay equal to the keys of the same filters made after.
    /// </summary>
    public bool AlwaysInKey { get; }

    public override string ToString() => Name;
}

/// <summary>One kind's part of a send's filter: subscribers tagged with one of <see cref="Values"/> (none: no narrowing).</summary>
public sealed record TagFilter(TagKind Kind, IReadOnlyList<string> Values);
