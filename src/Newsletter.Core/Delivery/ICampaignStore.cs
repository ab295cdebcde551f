using Newsletter.Core.Audience;

namespace Newsletter.Core.Delivery;

/// <summary>
/// Campaigns and what their outbox holds (counts, failures, the senders at work): one outbox row per (campaign,
/// subscriber), the single source of truth of what was sent. The send path's own operations on the outbox (claim,
/// renew, record, take over) are <see cref="IOutbox"/>. Declared here, implemented in Newsletter.Data.
/// </summary>
public interface ICampaignStore
{
    /// <summary>The live (not cancelled) campaign of this issue for exactly this set of segments and these tags, if one was started.</summary>
    Task<Campaign?> FindAsync(string issueKey, IReadOnlyList<string> segments, AudienceTags tags, CancellationToken ct = default);

    Task<Campaign?> GetAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct = default);

    /// <summary>
    /// Creates the campaign with its variants and one outbox row per active subscriber of <paramref name="filter"/>
    /// (each subscriber once, with the variant of the first targeted segment they belong to), in one transaction.
    /// The filter's districts and industries are stored with the campaign as its <see cref="Campaign.Tags"/>.
    /// </summary>
    /// <exception cref="CampaignExistsException">A campaign of the same issue, segments and tags (not cancelled) was created
    /// meanwhile by another request or process; nothing was written.</exception>
    Task<Campaign> CreateAsync(NewCampaign campaign, IReadOnlyList<StoredVariant> variants, AudienceFilter filter,
        Func<string> newMessageId, CancellationToken ct = default);

    Task<IReadOnlyList<StoredVariant>> GetVariantsAsync(long campaignId, CancellationToken ct = default);

    Task<string?> GetSourceTextAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Sets the state whatever it was. Only for tests and repairs: the application changes states through
    /// <see cref="Campaigns.CampaignLifecycle"/>, which uses <see cref="TrySetStateAsync"/>.
    /// </summary>
    Task SetStateAsync(long campaignId, CampaignState state, string? reason, CancellationToken ct = default);

    /// <summary>
    /// Sets the state to <paramref name="to"/> (with <paramref name="reason"/>) only if it is one of <paramref name="from"/>
    /// now, in one conditional statement: of two writers racing (a cancel and the end of a run), the one that comes
    /// second finds the state changed and does nothing. The allowed pairs are <see cref="Campaigns.CampaignLifecycle.Transitions"/>.
    /// </summary>
    /// <returns>True when the state was changed; false when the campaign is in none of <paramref name="from"/> (or does not exist).</returns>
    Task<bool> TrySetStateAsync(long campaignId, IReadOnlyCollection<CampaignState> from, CampaignState to, string? reason,
        CancellationToken ct = default);

    /// <summary>The live senders (lease owners with a heartbeat) of a campaign, with the rows each holds.</summary>
    Task<IReadOnlyList<CampaignSenderInfo>> ListSendersAsync(long campaignId, CancellationToken ct = default);

    Task<IReadOnlyList<VariantCounts>> CountAsync(long campaignId, CancellationToken ct = default);

    Task<IReadOnlyList<RecipientFailure>> ListFailuresAsync(long campaignId, int limit, CancellationToken ct = default);

    /// <summary>Failed rows become pending again (campaigns retry-failed).</summary>
    Task<int> RetryFailedAsync(long campaignId, CancellationToken ct = default);

    /// <summary>The outbox row of one subscriber in a campaign (web view).</summary>
    Task<OutboxEntry?> FindEntryAsync(long campaignId, long subscriberId, CancellationToken ct = default);
}

/// <summary>A running sender of a campaign: the node it runs on, its last heartbeat and the outbox rows it has leased.</summary>
public sealed record CampaignSenderInfo(string Owner, string Node, DateTimeOffset LastHeartbeat, int Leased);

/// <summary>
/// <see cref="ICampaignStore.CreateAsync"/> lost a race: the campaign of that issue, segments and tags exists already
/// (the store's unique index holds, so nothing is ever sent twice).
/// </summary>
public sealed class CampaignExistsException(string issueKey, Exception? inner = null)
    : Exception($"a campaign of issue '{issueKey}' for these segments exists already", inner);
