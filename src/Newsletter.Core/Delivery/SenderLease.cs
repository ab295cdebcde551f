using Microsoft.Extensions.Logging;

namespace Newsletter.Core.Delivery;

/// <summary>
/// One run's hold on its rows: its heartbeat (fenced: it fails once another node took the run over), the renewal of
/// its leases, and the takeover of silent senders of the same campaign. A run sends a row only while
/// <see cref="IsSafe"/>: no other sender can take the row before the SMTP transaction ends.
/// </summary>
/// <remarks>Thread-safe: the claim loop, the renew loop and the workers read it at once.</remarks>
internal sealed class SenderLease
{
    private readonly CampaignSender _sender;
    private readonly long _campaignId;
    private readonly CancellationTokenSource _abort;
    private long _leasedUntilTicks;   // the latest lease_until this run set (claim or renewal), UTC ticks
    private long _confirmedTicks;     // when the last heartbeat that found this run still the owner was sent, UTC ticks
    private long _nextTakeoverCheckTicks;
    private volatile bool _takenOver;

    /// <param name="abort">Cancelled when another node took this run over: the run stops.</param>
    public SenderLease(CampaignSender sender, long campaignId, CancellationTokenSource abort)
    {
        _sender = sender;
        _campaignId = campaignId;
        _abort = abort;
    }

    /// <summary>The lease owner name of this run: <c>machine:pid:run</c>.</summary>
    public string Owner { get; } = CampaignSender.NewOwner();

    /// <summary>True when another node took this run's rows over: the run stops and must not change the campaign's state.</summary>
    public bool TakenOver => _takenOver;

    private IOutbox Outbox => _sender.Outbox;

    private DeliveryOptions Options => _sender.Options;

    /// <summary>Starts the heartbeat, before anything is claimed.</summary>
    public async Task RegisterAsync(CancellationToken ct)
    {
        var started = _sender.Time.GetUtcNow();
        await Outbox.RegisterSenderAsync(Owner, CampaignSender.Node, _campaignId, started, ct);
        Confirmed(started);
    }

    /// <summary>Claimed rows are leased until <paramref name="until"/>.</summary>
    public void LeasedUntil(DateTimeOffset until) =>
        Interlocked.Exchange(ref _leasedUntilTicks, Math.Max(Interlocked.Read(ref _leasedUntilTicks), until.UtcTicks));

    /// <summary>
    /// Writes this run's heartbeat every <see cref="DeliveryOptions.HeartbeatInterval"/> and renews its leases every
    /// third of <see cref="DeliveryOptions.LeaseDuration"/>, so rows queued behind a rate limit or slow connections
    /// stay ours. When this process dies the heartbeat stops and the other nodes take the rows over after
    /// <see cref="DeliveryOptions.SilenceLimit"/>; the leases are the safety net for a sender without heartbeat.
    /// </summary>
    public async Task RenewLoopAsync(CancellationToken stop)
    {
        var options = Options;
        var nextRenewal = _sender.Time.GetUtcNow() + options.LeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Both due in time: a lease shorter than three heartbeats is renewed every third of it.
                await Task.Delay(TimeSpan.FromTicks(Math.Min(options.HeartbeatInterval.Ticks, options.LeaseDuration.Ticks / 3)), _sender.Time, stop);
                if (!await ConfirmOwnershipAsync(always: true, stop))
                {
                    return;
                }
                var now = _sender.Time.GetUtcNow();
                if (now >= nextRenewal)
                {
                    // Conditional on the owner: rows another node took over are not ours to extend.
                    await Outbox.RenewAsync(Owner, now + options.LeaseDuration, stop);
                    LeasedUntil(now + options.LeaseDuration);
                    nextRenewal = now + options.LeaseDuration / 3;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Workers stop sending once the last heartbeat or lease is close to expiry (IsSafe); nothing is sent twice.
                _sender.Logger.LogWarning(e, "Renewing the heartbeat or leases of {Owner} failed", Owner);
            }
        }
    }

    /// <summary>
    /// Writes the heartbeat (at most once per <see cref="DeliveryOptions.HeartbeatInterval"/> from the claim loop).
    /// False, and the run stops, when another node took this run's rows over while it was silent (a VM stall,
    /// SIGSTOP): none of the rows it still holds may be sent.
    /// </summary>
    /// <param name="always">False: skip the write when the renew loop wrote a heartbeat within the interval.</param>
    public async Task<bool> ConfirmOwnershipAsync(bool always, CancellationToken stop)
    {
        if (_takenOver)
        {
            return false;
        }
        var now = _sender.Time.GetUtcNow();
        if (!always && now - Confirmed() < Options.HeartbeatInterval)
        {
            return true;
        }
        if (await Outbox.HeartbeatAsync(Owner, now, stop))
        {
            Confirmed(now);
            return true;
        }
        _takenOver = true;
        _sender.Logger.LogWarning(
            "Campaign {Id}: another node took over the messages of {Owner} (no heartbeat since {At:O}); this batch stops, its rows are theirs",
            _campaignId, Owner, Confirmed());
        _abort.Cancel();
        return false;
    }

    /// <summary>A last look, with retries, whether this run was taken over (before it pauses the campaign).</summary>
    public async Task ConfirmOwnershipSafelyAsync()
    {
        for (var attempt = 0; attempt < 3 && !_takenOver; attempt++)
        {
            try
            {
                await ConfirmOwnershipAsync(always: true, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A connection PostgreSQL closed while this process was frozen fails once; the pool opens a new one.
                _sender.Logger.LogDebug(e, "Heartbeat of {Owner} failed", Owner);
            }
        }
    }

    /// <summary>At most once per heartbeat interval: releases dead and silent senders of this campaign, to claim their rows.</summary>
    public async Task TakeOverSilentSendersAsync(CancellationToken ct)
    {
        var now = _sender.Time.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _nextTakeoverCheckTicks))
        {
            return;
        }
        Interlocked.Exchange(ref _nextTakeoverCheckTicks, (now + Options.HeartbeatInterval).UtcTicks);
        await _sender.ReleaseDeadOwnersAsync(_campaignId, ct);   // the outcomes they kept were recorded just before
        await _sender.TakeOverSilentSendersAsync(_campaignId, ct);
    }

    /// <summary>
    /// True while at least a third of a lease remains and the last heartbeat is at most half a grace past due: a
    /// message is only started when no other sender can take its row before the SMTP transaction ends. A run that
    /// was frozen wakes with a stale heartbeat and starts nothing until its heartbeat confirms the rows are still its.
    /// </summary>
    public bool IsSafe()
    {
        var options = Options;
        var now = _sender.Time.GetUtcNow();
        return !_takenOver
            && new DateTimeOffset(Interlocked.Read(ref _leasedUntilTicks), TimeSpan.Zero) - now > options.LeaseDuration / 3
            && now - Confirmed() < options.HeartbeatInterval + options.FailoverGrace / 2;
    }

    /// <summary>
    /// Waits (on a worker's thread) until <see cref="IsSafe"/>: a heartbeat that is late (a stall of this process, a
    /// slow database) is written by the renew loop within <see cref="DeliveryOptions.HeartbeatInterval"/> and either
    /// confirms the rows are still this run's or finds them taken over. False when they were taken over or
    /// <paramref name="giveUp"/> says the run is ending: then the row must not be sent or recorded.
    /// </summary>
    /// <remarks>
    /// Dropping the row at once instead (as before) left it leased to this run, unsent, until the run ended and a
    /// later delivery round (<c>Scheduling:DeliveryInterval</c>, 30 s) sent it: a short stall delayed a send by a round.
    /// </remarks>
    public bool AwaitSafe(Func<bool> giveUp)
    {
        while (!IsSafe())
        {
            if (_takenOver || giveUp())
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    private DateTimeOffset Confirmed() => new(Interlocked.Read(ref _confirmedTicks), TimeSpan.Zero);

    private void Confirmed(DateTimeOffset at) =>
        Interlocked.Exchange(ref _confirmedTicks, Math.Max(Interlocked.Read(ref _confirmedTicks), at.UtcTicks));
}
