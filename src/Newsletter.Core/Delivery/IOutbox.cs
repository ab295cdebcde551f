namespace Newsletter.Core.Delivery;

/// <summary>
/// The outbox as the send path uses it: claim due rows under a lease, renew the leases, record outcomes, and the
/// heartbeat by which the nodes sharing the outbox find and take over a silent sender. Declared here, implemented for
/// SQLite and PostgreSQL in Newsletter.Data (the same object as <see cref="ICampaignStore"/> there).
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Leases up to <paramref name="count"/> rows that are due (pending, or deferred with their time come) and not
    /// leased by a live owner, until <paramref name="leaseUntil"/>. On PostgreSQL several processes may claim at once.
    /// </summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimAsync(long campaignId, string owner, int count, DateTimeOffset now,
        DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Where a sender keeps the outcomes it has not committed yet (<see cref="OutcomeJournal"/>): a folder beside a
    /// SQLite file. Null on PostgreSQL, whose outbox several machines share: there each outcome is committed before the
    /// connection's next message is handed over.
    /// </summary>
    string? OutcomeJournalDirectory { get; }

    /// <summary>Records outcomes and releases their leases, in one transaction. A row already sent keeps that outcome.</summary>
    Task RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default);

    /// <summary>
    /// A writer for the outcomes of one run: <see cref="RecordAsync"/> on one connection with its statements prepared
    /// once, for the many small commits of a send (each worker waits for its outcome to be committed).
    /// </summary>
    Task<IOutcomeWriter> OpenOutcomeWriterAsync(CancellationToken ct = default);

    /// <summary>The distinct owners holding leases on rows of the campaign (to release those of dead processes).</summary>
    Task<IReadOnlyList<string>> ListLeaseOwnersAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Extends every lease of <paramref name="owner"/> to <paramref name="leaseUntil"/>: a live sender keeps the rows
    /// waiting in its queue (behind a rate limit, say), so no other process claims and sends them too.
    /// </summary>
    Task RenewAsync(string owner, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>Releases every lease of <paramref name="owner"/> and forgets its heartbeat (graceful stop).</summary>
    Task ReleaseAsync(string owner, CancellationToken ct = default);

    /// <summary>
    /// Starts the heartbeat of a sender (lease owner) of campaign <paramref name="campaignId"/> on node <paramref name="node"/>,
    /// before it claims anything.
    /// </summary>
    Task RegisterSenderAsync(string owner, string node, long campaignId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Writes the heartbeat of <paramref name="owner"/>. False when its row is gone: another node found it silent and
    /// took its rows over, so it must not send any row it still holds.
    /// </summary>
    Task<bool> HeartbeatAsync(string owner, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Takes over the senders whose heartbeat is older than <paramref name="silentSince"/> (of one campaign, or all when
    /// <paramref name="campaignId"/> is null): for each, in one transaction, forgets it and releases its leases, only if
    /// it is still silent then — so of two nodes looking at once one takes over, and a sender that woke up keeps its rows.
    /// </summary>
    Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, DateTimeOffset silentSince, CancellationToken ct = default);

    /// <summary>The earliest next-attempt time of deferred rows, or null when none is deferred.</summary>
    Task<DateTimeOffset?> NextDeferredAsync(long campaignId, CancellationToken ct = default);

}

/// <summary>A sender another node took over: its node, its campaign, its last heartbeat, and the leases released.</summary>
public sealed record TakenOverSender(string Owner, string Node, long CampaignId, DateTimeOffset LastHeartbeat, int Released);

/// <summary>Records delivery outcomes, one transaction per call. Not thread-safe: one recorder loop owns it.</summary>
public interface IOutcomeWriter : IAsyncDisposable
{
    /// <summary>Records outcomes and releases their leases, in one transaction. A row already sent keeps that outcome.</summary>
    Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default);
}
