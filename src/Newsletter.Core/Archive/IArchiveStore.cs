using Newsletter.Core.Delivery;

namespace Newsletter.Core.Archive;

/// <summary>
/// The 往期 archive: the issues that went out, read from the outbox (what was delivered) and the variants stored with
/// each campaign (what was sent) — never re-rendered. Declared here, implemented in Newsletter.Data.
/// </summary>
/// <remarks>
/// An issue is in the archive once its campaign delivered to at least one recipient (an outbox row <c>sent</c>), whatever
/// became of the campaign afterwards (a paused or cancelled send stays in the archive for those who received it).
/// </remarks>
public interface IArchiveStore
{
    /// <summary>
    /// The archived issues, newest first (by the first delivery), at most <paramref name="limit"/>. With
    /// <paramref name="search"/>, only those whose title, 期号 or text (the issue's stored source or a variant's subject
    /// or text part) contains it, case-insensitively for Latin letters.
    /// </summary>
    Task<IReadOnlyList<ArchivedIssue>> ListAsync(string? search, int limit, CancellationToken ct = default);

    /// <summary>The variant <paramref name="variant"/> as stored with an archived campaign; null when either is not in the archive.</summary>
    Task<StoredVariant?> GetVariantAsync(long campaignId, string variant, CancellationToken ct = default);

    /// <summary>The issues delivered to one subscriber (outbox rows <c>sent</c>), newest first.</summary>
    Task<IReadOnlyList<ReceivedIssue>> ListReceivedAsync(long subscriberId, CancellationToken ct = default);
}

/// <summary>A sent issue: its campaign, when it first went out, and its outbox counts per segment (variant).</summary>
/// <param name="IssueKey">The 期号, or the issue's file name when it has none.</param>
/// <param name="Title">The campaign's title (the issue's subject).</param>
/// <param name="SentAt">The first delivery of the campaign.</param>
/// <param name="Segments">One entry per targeted segment, in the campaign's order (zero counts for a segment nobody was in).</param>
public sealed record ArchivedIssue(long CampaignId, string IssueKey, string Title, CampaignState State, DateTimeOffset SentAt,
    IReadOnlyList<ArchivedSegment> Segments)
{
    /// <summary>The district and industry filter the campaign narrowed its segments by.</summary>
    public Audience.AudienceTags Tags { get; init; } = Audience.AudienceTags.None;

    /// <summary>Outbox rows of the campaign: everyone it was made for.</summary>
    public int Recipients => Segments.Sum(s => s.Recipients);

    public int Delivered => Segments.Sum(s => s.Delivered);

    public int Failed => Segments.Sum(s => s.Failed);
}

/// <summary>The outbox counts of one segment's variant in an archived campaign.</summary>
/// <param name="Recipients">Every outbox row of the variant, whatever its status.</param>
/// <param name="Delivered">Rows <c>sent</c> (accepted by the mail server).</param>
/// <param name="Failed">Rows <c>failed</c> permanently.</param>
public sealed record ArchivedSegment(string Variant, int Recipients, int Delivered, int Failed);

/// <summary>An issue one subscriber received: the campaign and when their copy was delivered.</summary>
public sealed record ReceivedIssue(long CampaignId, string IssueKey, string Title, DateTimeOffset DeliveredAt);
