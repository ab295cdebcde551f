namespace Newsletter.Core.Audience;

/// <summary>Where a subscriber stands; written as the lowercase word (<c>active</c>, …) in JSON, CSV and the CLI.</summary>
public enum SubscriberStatus
{
    Active,
    Unsubscribed,
    Bounced,
    Complained,
}

/// <summary>
/// One person on the list. <see cref="Email"/> is normalised (see <see cref="EmailAddress"/>) and unique;
/// <see cref="Segments"/> holds segment keys (at least one); <see cref="Salutation"/> is the stored override or,
/// when none is stored, <see cref="Audience.Salutation.Derive"/> of name and title.
/// </summary>
public sealed record Subscriber(long Id, string Email, string Name, string? Organisation, string? Title,
    IReadOnlyList<string> Segments, string? District, IReadOnlyList<string> Industries,
    SubscriberStatus Status, string Salutation, string? Source, DateTimeOffset? ConsentAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// What building a campaign's outbox reads of an active subscriber: the id and the segment keys (a subscriber in two
/// targeted segments gets the variant of the first). See <see cref="ISubscriberStore.StreamActiveMembersAsync"/>.
/// </summary>
public sealed record AudienceMember(long Id, IReadOnlyList<string> Segments);

/// <summary>A named group of subscribers that a send targets. Built-ins cannot be removed.</summary>
public sealed record Segment(string Key, string NameZh, string NameEn, bool BuiltIn);

/// <summary>
/// Who a send goes to: active subscribers in any of <see cref="Segments"/>, optionally narrowed by <see cref="Tags"/>
/// to those tagged, for each kind with values, with one of them (null or empty: no narrowing).
/// </summary>
public sealed record AudienceFilter(IReadOnlyList<string> Segments, AudienceTags? Tags = null);

/// <summary>The number of subscribers of one segment in each status.</summary>
public sealed record SegmentCount(Segment Segment, long Active, long Unsubscribed, long Bounced, long Complained)
{
    public long Total => Active + Unsubscribed + Bounced + Complained;
}

/// <summary>
/// The fields an admin or an import sets; the store fills id, timestamps and, when <see cref="Salutation"/> is null,
/// derives the salutation when reading.
/// </summary>
public sealed record SubscriberDraft(string Email, string Name, string? Organisation, string? Title,
    IReadOnlyList<string> Segments, string? District, IReadOnlyList<string> Industries,
    SubscriberStatus Status = SubscriberStatus.Active, string? Salutation = null, string? Source = null,
    DateTimeOffset? ConsentAt = null)
{
    /// <summary>The row of the imported list this draft came from (0 when not imported), named when a later row repeats its address.</summary>
    public int Line { get; init; }
}

/// <summary>A page of <see cref="ISubscriberStore.SearchAsync"/>: at most <c>Limit</c> rows after <c>AfterId</c>.</summary>
public sealed record SubscriberQuery(string? Segment = null, SubscriberStatus? Status = null, string? Search = null,
    string? Tag = null, long AfterId = 0, int Limit = 100);

/// <summary>What an import did with one row.</summary>
public enum ImportOutcome
{
    /// <summary>A new subscriber was added.</summary>
    Imported,
    /// <summary>An existing subscriber's fields were changed (only with update).</summary>
    Updated,
    /// <summary>The address exists already and nothing changed (or update was not asked for).</summary>
    Unchanged,
    /// <summary>The address unsubscribed, bounced, complained or was removed: left as it is.</summary>
    Suppressed,
    /// <summary>The address was given before in the same import: the row is left out (<see cref="ImportResult.FirstLine"/> says where).</summary>
    Duplicate,
}

/// <summary>What an import did with one row; for <see cref="ImportOutcome.Duplicate"/>, the <see cref="SubscriberDraft.Line"/> of the row that gave the address first.</summary>
public readonly record struct ImportResult(ImportOutcome Outcome, int FirstLine = 0);
