namespace Newsletter.Core.Delivery;

/// <summary>
/// The outbox as the send path uses it: claim due rows under a lease, renew the leases, record outcomes, and the
/// heartbeat by which the nodes sharing the outbox find and take over a silent sender. Declared here, implemented in
/// Newsletter.Data (the same object as <see cref="ICampaignStore"/> there).
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
    /// Whether a run's outcome writers keep outcomes safe on their own machine before they are committed
    /// (<see cref="IOutcomeWriter.CanKeep"/>). Then a silent sender may hold outcomes that are not in the outbox yet, so
    /// it must not be taken over from another node; it is found dead by its process id instead. False where each
    /// outcome is committed before the connection's next message is handed over (an outbox several machines share).
    /// </summary>
    bool KeepsOutcomesBeforeCommit { get; }

    /// <summary>
    /// Records the outcomes that runs of campaign <paramref name="campaignId"/> kept (<see cref="IOutcomeWriter.Keep"/>)
    /// but had not committed when they died, and forgets them. Outcomes of runs still alive are left alone.
    /// </summary>
    /// <returns>How many outcomes were recorded.</returns>
    Task<int> RecoverOutcomesAsync(long campaignId, CancellationToken ct = default);

    /// <summary>Records outcomes and releases their leases, in one transaction. A row already sent keeps that outcome.</summary>
    Task RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default);

    /// <summary>
    /// A writer for the outcomes of run <paramref name="owner"/> of campaign <paramref name="campaignId"/>:
    /// <see cref="RecordAsync"/> on one connection with its statements prepared once, for the many small commits of a
    /// send (each worker waits for its outcome to be safe before it hands over its next message).
    /// </summary>
    Task<IOutcomeWriter> OpenOutcomeWriterAsync(long campaignId, string owner, CancellationToken ct = default);

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

/// <summary>
/// Records delivery outcomes, one transaction per call, and where it can, keeps each outcome safe (it survives a crash
/// of the process) before it is committed, so a worker may hand over its next message without waiting for a commit.
/// </summary>
/// <remarks>
/// Not thread-safe: one recorder owns it. <see cref="Keep"/> and <see cref="ForgetKept"/> may run while a
/// <see cref="WriteAsync"/> is under way, never two of either kind at once. Disposing a writer whose kept outcomes
/// are not all forgotten leaves them for <see cref="IOutbox.RecoverOutcomesAsync"/>.
/// </remarks>
public interface IOutcomeWriter : IAsyncDisposable
{
    /// <summary>Records outcomes and releases their leases, in one transaction. A row already sent keeps that outcome.</summary>
    Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default);

    /// <summary>Whether <see cref="Keep"/> makes an outcome safe; when false an outcome is safe once committed.</summary>
    bool CanKeep => false;

    /// <summary>Makes <paramref name="record"/> survive a crash of this process before it is committed. Only when <see cref="CanKeep"/>.</summary>
    /// <exception cref="IOException">It could not: commit outcomes before each hand-over from now on.</exception>
    void Keep(DeliveryRecord record) => throw new NotSupportedException("this writer keeps no outcomes");

    /// <summary>Whether the kept outcomes have grown so far that the owner should commit them all and <see cref="ForgetKept"/>.</summary>
    bool KeptFull => false;

    /// <summary>Every outcome kept so far is committed: forget them.</summary>
    void ForgetKept()
    {
    }
}
