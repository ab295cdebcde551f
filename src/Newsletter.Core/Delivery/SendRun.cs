using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Composition;
using Newsletter.Core.Diagnostics;

namespace Newsletter.Core.Delivery;

/// <summary>
/// One run of one campaign: the claim loop that keeps a queue of leased rows filled, the <see cref="DeliveryWorker"/>s
/// that send them, the <see cref="SenderLease"/> that keeps the rows this run's, the rate limits, the
/// <see cref="OutcomeRecorder"/> and the counters, and the pause decision (<see cref="FailurePolicy"/>).
/// </summary>
internal sealed class SendRun
{
    /// <summary>How long an outcome waits for a worker's hand-over before it is committed anyway (idle workers, progress).</summary>
    private static readonly TimeSpan IdleCommit = TimeSpan.FromMilliseconds(50);

    private readonly DateTimeOffset _retryDeadline;
    private readonly IProgress<SendProgress>? _progress;
    private readonly CancellationTokenSource _abort;
    private readonly SenderLease _lease;
    private readonly Channel<OutboxEntry> _claimed;
    private readonly DomainThrottle _domains;
    private volatile bool _claimingEnded;
    private int _inFlight;
    private int _consecutiveErrors;
    private int _sent, _deferred, _failed, _skipped;
    private long _remaining;    // pending or deferred rows of the campaign, for the queue-depth gauge
    private string? _pauseReason;

    public SendRun(CampaignSender sender, Campaign campaign, IReadOnlyDictionary<string, ComposedVariant> variants,
        DateTimeOffset retryDeadline, IProgress<SendProgress>? progress, CancellationToken stopping)
    {
        Sender = sender;
        Campaign = campaign;
        CampaignLabel = campaign.Id.ToString(CultureInfo.InvariantCulture);
        Variants = variants;
        _retryDeadline = retryDeadline;
        _progress = progress;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _lease = new SenderLease(sender, campaign.Id, _abort);
        _claimed = Channel.CreateUnbounded<OutboxEntry>();   // bounded by ClaimLoopAsync, which claims only when it runs low
        Overall = new TokenBucket(sender.Options.MessagesPerSecond, sender.Time);
        _domains = new DomainThrottle(sender.Options.MessagesPerSecondPerDomain, sender.Time);
        Retry = new RetryPolicy(sender.Options);
    }

    public CampaignSender Sender { get; }

    public Campaign Campaign { get; }

    /// <summary>The campaign id as a metrics label (<see cref="NewsletterMetrics"/>), formatted once.</summary>
    public string CampaignLabel { get; }

    public IReadOnlyDictionary<string, ComposedVariant> Variants { get; }

    /// <summary>The tracked HTML of each variant, when the campaign is tracked (issue 21).</summary>
    public IReadOnlyDictionary<string, Figures.TrackedHtml>? Tracked { get; init; }

    public TokenBucket Overall { get; }

    public RetryPolicy Retry { get; }

    /// <summary>The run's recorder, from the start of <see cref="ExecuteAsync"/>.</summary>
    public OutcomeRecorder Recorder { get; private set; } = null!;

    /// <summary>Cancelled when the run stops: from outside, paused, or taken over.</summary>
    public CancellationToken Stopping => _abort.Token;

    /// <summary>True when another node took this run's rows over: the run stopped and must not change the campaign's state.</summary>
    public bool TakenOver => _lease.TakenOver;

    private IOutbox Outbox => Sender.Outbox;

    /// <returns>The pause reason, or null when the run ended normally (or was stopped).</returns>
    public async Task<string?> ExecuteAsync()
    {
        await _lease.RegisterAsync(_abort.Token);
        var counts = await Sender.Store.CountAsync(Campaign.Id, _abort.Token);
        _remaining = counts.Sum(c => (long)c.Pending + c.Deferred);
        using var queue = NewsletterMetrics.TrackQueue(Campaign.Id, () => Volatile.Read(ref _remaining));
        Recorder = new OutcomeRecorder(await Outbox.OpenOutcomeWriterAsync(Campaign.Id, _lease.Owner, _abort.Token),
            Committed, RecordingFailed, Sender.Workers, IdleCommit, Sender.Logger);
        var workers = Enumerable.Range(1, Sender.Workers).Select(n => DeliveryWorker.Start(this, n)).ToArray();
        using var renewing = new CancellationTokenSource();
        var renewer = Task.Run(() => _lease.RenewLoopAsync(renewing.Token), CancellationToken.None);
        try
        {
            await ClaimLoopAsync();
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopped or paused: workers finish their current message, the rest of the leases is released below.
        }
        finally
        {
            _claimingEnded = true;   // a worker waiting for the heartbeat (AwaitSafeLease) gives up
            _claimed.Writer.TryComplete();
            await Task.WhenAll(workers);
            await Recorder.DisposeAsync();   // commits the outcomes no hand-over asked for
            await renewing.CancelAsync();
            await renewer;
            if (_pauseReason is not null && !_lease.TakenOver)
            {
                // A pause (say, the outcomes cannot be recorded) may be how a frozen run that woke learns of its
                // end: look whether it was taken over before pausing a campaign that is no longer this run's.
                await _lease.ConfirmOwnershipSafelyAsync();
            }
            await Outbox.ReleaseAsync(_lease.Owner, CancellationToken.None);
            _abort.Dispose();
        }
        return _pauseReason;
    }

    private async Task ClaimLoopAsync()
    {
        var options = Sender.Options;
        while (!_abort.IsCancellationRequested)
        {
            // Claim when the queue runs low, not whenever a worker frees a place: that would wake this loop for every
            // message. Parked rows are not queued: bound them too, or one slow domain would lease the whole campaign.
            if (_claimed.Reader.Count >= options.BatchSize || _domains.Parked > options.BatchSize * 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), Sender.Time, _abort.Token);
                continue;
            }
            // Another process (campaigns pause / cancel) may have stopped the campaign: look before every batch.
            if (await Sender.Store.GetAsync(Campaign.Id, _abort.Token) is not { State: CampaignState.Running })
            {
                Sender.Logger.LogInformation("Campaign {Id} was stopped from outside; stopping", Campaign.Id);
                _abort.Cancel();
                return;
            }
            // A run of this campaign in another process may have died: its outcomes first, or its rows would go
            // again once their leases expire.
            await Sender.RecoverOutcomesAsync(Campaign.Id, _abort.Token);
            // Never claim on a stale heartbeat: this run may itself have been frozen and taken over.
            if (!await _lease.ConfirmOwnershipAsync(always: false, _abort.Token))
            {
                return;
            }
            // A sender of this campaign that fell silent (killed, frozen): release its rows and claim them below.
            await _lease.TakeOverSilentSendersAsync(_abort.Token);
            var now = Sender.Time.GetUtcNow();
            var batch = await Outbox.ClaimAsync(Campaign.Id, _lease.Owner, options.BatchSize, now, now + options.LeaseDuration, _abort.Token);
            if (batch.Count > 0)
            {
                _lease.LeasedUntil(now + options.LeaseDuration);
                NewsletterMetrics.Claim(CampaignLabel, batch.Count);
                Interlocked.Add(ref _inFlight, batch.Count);
                foreach (var entry in batch)
                {
                    _claimed.Writer.TryWrite(entry);
                }
                continue;
            }
            // Nothing due now. Wait for the messages still in the workers: they may come back deferred.
            if (Volatile.Read(ref _inFlight) > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), Sender.Time, _abort.Token);
                continue;
            }
            var next = await Outbox.NextDeferredAsync(Campaign.Id, _abort.Token);
            if (next is null || next > _retryDeadline)
            {
                return;
            }
            var wait = next.Value - Sender.Time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, Sender.Time, _abort.Token);
            }
        }
    }

    /// <summary>Takes the next claimed row, blocking while none is queued; false once the claim loop is done.</summary>
    public bool Take(out OutboxEntry entry)
    {
        var reader = _claimed.Reader;
        while (!reader.TryRead(out entry!))
        {
            var more = reader.WaitToReadAsync(CancellationToken.None);
            if (!(more.IsCompleted ? more.Result : more.AsTask().GetAwaiter().GetResult()))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Takes the next claimed row if one is queued now, without waiting.</summary>
    public bool TryTake(out OutboxEntry entry) => _claimed.Reader.TryRead(out entry!);

    /// <summary>See <see cref="SenderLease.AwaitSafe"/>; gives up when the run stops or its claim loop has ended.</summary>
    public bool AwaitSafeLease() => _lease.AwaitSafe(() => _claimingEnded || _abort.IsCancellationRequested);

    /// <summary>A row leaves the run without an outcome: it stays leased, and is released at the end of the run.</summary>
    public void Dropped() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Parks the row until its domain's token is due (see <see cref="DomainThrottle"/>); true when it was parked.</summary>
    public bool ParkForDomain(OutboxEntry entry) =>
        _domains.TryPark(entry, _claimed.Writer, Dropped, _abort.Token);

    /// <summary>Applies <see cref="FailurePolicy"/> to the run's count of consecutive errors (shared by the workers) and pauses when it says so.</summary>
    public FailureVerdict Judge(DeliveryException? failure)
    {
        FailureVerdict verdict;
        int seen;
        do
        {
            seen = Volatile.Read(ref _consecutiveErrors);
            verdict = FailurePolicy.Judge(failure, seen, Sender.Options.PauseAfterConsecutiveErrors);
        }
        while (verdict.ConsecutiveErrors != seen && Interlocked.CompareExchange(ref _consecutiveErrors, verdict.ConsecutiveErrors, seen) != seen);
        if (verdict.PauseReason is { } reason)
        {
            Pause(reason);
        }
        return verdict;
    }

    private void Pause(string reason)
    {
        if (Interlocked.CompareExchange(ref _pauseReason, reason, null) is null)
        {
            Sender.Logger.LogWarning("Campaign {Id} paused: {Reason}", Campaign.Id, reason);
            _abort.Cancel();
        }
    }

    /// <summary>A batch of outcomes is durable: count it, and count its rows out of the run.</summary>
    private void Committed(IReadOnlyList<DeliveryRecord> records)
    {
        foreach (var record in records)
        {
            switch (record.Status)
            {
                case OutboxStatus.Sent: _sent++; break;
                case OutboxStatus.Deferred: _deferred++; break;
                case OutboxStatus.Failed: _failed++; break;
                case OutboxStatus.Skipped: _skipped++; break;
            }
        }
        Interlocked.Add(ref _inFlight, -records.Count);
        Interlocked.Add(ref _remaining, -records.Count(r => r.Status != OutboxStatus.Deferred));
        _progress?.Report(new SendProgress(_sent, _deferred, _failed, _skipped));
    }

    /// <summary>
    /// The store is gone: stop sending. The rows stay leased, expire and are sent again later; a worker waiting to
    /// hand over its next message abandons it unfinished.
    /// </summary>
    private void RecordingFailed(Exception e, IReadOnlyList<DeliveryRecord> records)
    {
        Pause($"cannot record delivery outcomes: {e.Message}");
        Interlocked.Add(ref _inFlight, -records.Count);
    }
}
