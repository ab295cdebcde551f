namespace Newsletter.Core.Bounces;

/// <summary>The outbox row a report is about.</summary>
public sealed record OutboxMatch(long OutboxId, long CampaignId, long SubscriberId, string Email);

/// <summary>How a report was tied to a subscriber: <c>verp</c>, <c>message-id</c>, <c>campaign</c>, <c>address</c>, <c>token</c> or <c>none</c>.</summary>
public static class MatchedBy
{
    public const string Verp = "verp";
    public const string MessageId = "message-id";
    public const string Campaign = "campaign";
    public const string Address = "address";
    public const string Token = "token";
    public const string None = "none";
}

/// <summary>One stored outcome: a bounce, complaint or mailed unsubscribe for one recipient of one report.</summary>
public sealed record BounceRecord
{
    public long Id { get; init; }
    public required string ReportKey { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary><c>bounce</c>, <c>complaint</c> or <c>unsubscribe</c>.</summary>
    public required string Kind { get; init; }
    public required BounceClass Class { get; init; }
    public required string Address { get; init; }
    public string Status { get; init; } = "";
    public int? SmtpCode { get; init; }
    public string Reason { get; init; } = "";
    public string Diagnostic { get; init; } = "";
    public required string MatchedBy { get; init; }
    public long? CampaignId { get; init; }
    public long? SubscriberId { get; init; }
    public long? OutboxId { get; init; }
}

/// <summary>Which stored outcomes to list.</summary>
public sealed record BounceQuery(long? CampaignId = null, long? SubscriberId = null, BounceClass? Class = null, int Limit = 1000);

/// <summary>Counts per campaign, for the campaign page.</summary>
public sealed record BounceCounts(long Hard, long Soft, long Complaints);

/// <summary>Storage of bounces; declared here, implemented in Newsletter.Data.</summary>
public interface IBounceStore
{
    /// <summary>The outbox row whose Message-ID is <paramref name="messageId"/> (without angle brackets).</summary>
    Task<OutboxMatch?> FindByMessageIdAsync(string messageId, CancellationToken ct = default);

    /// <summary>The outbox row of <paramref name="campaignId"/> sent to <paramref name="email"/>.</summary>
    Task<OutboxMatch?> FindByCampaignAndEmailAsync(long campaignId, string email, CancellationToken ct = default);

    /// <summary>The outbox row <paramref name="outboxId"/>.</summary>
    Task<OutboxMatch?> FindByOutboxIdAsync(long outboxId, CancellationToken ct = default);

    /// <summary>Stores <paramref name="record"/>; false (nothing written) when its report key is already stored.</summary>
    Task<bool> AddAsync(BounceRecord record, byte[]? rawReport, CancellationToken ct = default);

    /// <summary>Soft bounces of <paramref name="subscriberId"/> received at or after <paramref name="since"/>.</summary>
    Task<int> CountSoftAsync(long subscriberId, DateTimeOffset since, CancellationToken ct = default);

    Task<IReadOnlyList<BounceRecord>> ListAsync(BounceQuery query, CancellationToken ct = default);

    Task<BounceCounts> CountForCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>Drops the raw reports of rows received before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeRawAsync(DateTimeOffset before, CancellationToken ct = default);
}
