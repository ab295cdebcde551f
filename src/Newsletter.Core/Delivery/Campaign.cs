using Newsletter.Core.Audience;

namespace Newsletter.Core.Delivery;

/// <summary>Where a campaign is in its life.</summary>
public enum CampaignState
{
    Scheduled,
    Running,
    Paused,
    Completed,
    Cancelled,
    Missed,
}

/// <summary>What became of one recipient's message.</summary>
public enum OutboxStatus
{
    /// <summary>Not tried yet.</summary>
    Pending,

    /// <summary>Accepted by the transport.</summary>
    Sent,

    /// <summary>Failed temporarily; retried at its next attempt time.</summary>
    Deferred,

    /// <summary>Failed permanently (5xx, or too many attempts); the reply says why.</summary>
    Failed,

    /// <summary>Not sent because the subscriber left (unsubscribed, bounced) after the campaign was created.</summary>
    Skipped,
}

/// <summary>
/// An issue sent to segments: the unit of delivery. The issue's source and the compiled variants are stored
/// with it, so a resumed or re-rendered campaign is the one that was started, whatever happened to the files since.
/// </summary>
/// <param name="IssueKey">Identifies the issue: its 期号, or its file name when it has none.</param>
/// <param name="Segments">The targeted segment keys, in priority order (a subscriber in two gets the first one's variant).</param>
/// <remarks>Issue, segments and <see cref="Tags"/> identify a live campaign: publishing them again continues it.</remarks>
public sealed record Campaign(
    long Id,
    string IssueKey,
    string Title,
    IReadOnlyList<string> Segments,
    CampaignState State,
    string? StateReason,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string SourcePath)
{
    /// <summary>The district and industry filter within <see cref="Segments"/>; <see cref="AudienceTags.None"/> when the whole segments are targeted.</summary>
    public AudienceTags Tags { get; init; } = AudienceTags.None;

    /// <summary>Who the campaign was created for: its segments narrowed by its tags.</summary>
    public AudienceFilter Audience => Tags.For(Segments);

    /// <summary>The key of a segment set, independent of order: "county,municipal".</summary>
    public static string SegmentsKey(IEnumerable<string> segments) => string.Join(',', segments.Order(StringComparer.Ordinal));

    /// <summary>The folder name of this campaign's pickup output.</summary>
    public string BatchName => $"campaign-{Id}";
}

/// <summary>What a new campaign is made of.</summary>
public sealed record NewCampaign(string IssueKey, string Title, IReadOnlyList<string> Segments, string SourcePath, string SourceText,
    CampaignState State, DateTimeOffset? ScheduledAt);

/// <summary>A compiled variant as stored with its campaign: the slot templates' sources.</summary>
public sealed record StoredVariant(string Key, string Subject, string? Preheader, string Html, string Text);

/// <summary>One outbox row claimed for sending.</summary>
public sealed record OutboxEntry(long Id, long CampaignId, long SubscriberId, string Email, string Name, string Salutation,
    string Variant, string MessageId, int Attempts, DateTimeOffset? FirstAttemptAt, bool SubscriberActive);

/// <summary>The outcome of one attempt, to be recorded.</summary>
/// <param name="Attempts">The row's attempt count after this attempt.</param>
/// <param name="MarkSubscriberBounced">A hard bounce (550/551/553 on RCPT): the subscriber becomes <c>bounced</c>.</param>
public sealed record DeliveryRecord(long OutboxId, long SubscriberId, OutboxStatus Status, int Attempts, string? Reply,
    DateTimeOffset AttemptedAt, DateTimeOffset? NextAttemptAt, bool MarkSubscriberBounced);

/// <summary>Counts of one variant (segment) by status.</summary>
public sealed record VariantCounts(string Variant, int Pending, int Sent, int Deferred, int Failed, int Skipped)
{
    public int Total => Pending + Sent + Deferred + Failed + Skipped;
}

/// <summary>A failed or deferred recipient and the last reply, for reports.</summary>
public sealed record RecipientFailure(string Email, string Variant, OutboxStatus Status, int Attempts, string? Reply);
