namespace Newsletter.Core.Figures;

/// <summary>Where reader events are kept; declared here, implemented in Newsletter.Data.</summary>
public interface IReaderEventStore
{
    /// <summary>
    /// Stores <paramref name="readerEvent"/>, unless its campaign's figures are frozen already (its events were pruned:
    /// the figures are final and nothing more about its readers is kept).
    /// </summary>
    Task RecordAsync(ReaderEvent readerEvent, CancellationToken ct = default);

    /// <summary>
    /// Freezes the figures of every campaign whose first send is older than <paramref name="retention"/> (writes its
    /// reader figures per segment to the aggregate table), then deletes its event rows and every other event row older
    /// than <paramref name="retention"/>, in one transaction per campaign.
    /// </summary>
    Task<PruneResult> PruneAsync(DateTimeOffset now, TimeSpan retention, CancellationToken ct = default);
}

/// <summary>What one pruning pass did.</summary>
public sealed record PruneResult(int CampaignsFrozen, int EventsDeleted);
