using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Composition;

namespace Newsletter.Core.Delivery;

/// <summary>
/// The send path (principle 3): leased batches from the outbox → a queue the claim loop keeps filled → N workers, each
/// a thread with one transport session (one SMTP connection), personalising and serialising each message → an
/// <see cref="OutcomeRecorder"/> that group-commits outcomes. A worker hands a message over (SMTP's final dot) only
/// once its previous outcome is safe — in the run's <see cref="OutcomeJournal"/> (SQLite) or committed — so after a
/// crash at most one message per connection has an unknown fate; those are re-sent with the same Message-ID.
/// Consecutive sender-side rejections beyond <see cref="DeliveryOptions.PauseAfterConsecutiveErrors"/>, or a
/// configuration fault (authentication, TLS), pause the campaign instead of burning the list.
/// </summary>
public sealed class CampaignSender
{
    private readonly ICampaignStore _store;
    private readonly IMailTransport _transport;
    private readonly MessageFactory _messages;
    private readonly IRecipientLinks _links;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CampaignSender> _logger;
    private readonly int _workers;
    private readonly ConcurrentDictionary<long, byte> _running = new();

    public CampaignSender(ICampaignStore store, IMailTransport transport, MessageFactory messages, IRecipientLinks links,
        DeliveryOptions deliveryOptions, TimeProvider time, ILogger<CampaignSender> logger)
    {
        _store = store;
        _transport = transport;
        _messages = messages;
        _links = links;
        _options = deliveryOptions.Normalized();
        _time = time;
        _logger = logger;
        _workers = Math.Max(1, transport.MaxSessions);
    }

    /// <summary>
    /// Sends what is due of campaign <paramref name="campaignId"/>. Deferred messages are retried while their next
    /// attempt falls within <paramref name="retryWindow"/> from now; later ones are left for a later run.
    /// </summary>
    /// <remarks>
    /// One run per campaign at a time in this process: a second call while one is in progress (<c>serve</c>'s delivery
    /// round and a scheduled job both asking) returns the campaign as it stands, because a second run would open its own
    /// connections beyond <see cref="SmtpOptions.Connections"/> and double the messages a crash leaves of unknown fate.
    /// </remarks>
    public Task<SendSummary> RunAsync(long campaignId, TimeSpan retryWindow, IProgress<SendProgress>? progress,
        CancellationToken cancellationToken) =>
        RunAsync(campaignId, retryWindow, progress, pauseWhenStopped: null, cancellationToken);

    /// <inheritdoc cref="RunAsync(long, TimeSpan, IProgress{SendProgress}?, CancellationToken)"/>
    /// <param name="pauseWhenStopped">
    /// When <paramref name="cancellationToken"/> stops the run while messages remain, pause the campaign with the reason
    /// this gives (asked then, so it can name what stopped the run) (and say so in <see cref="SendSummary.Interrupted"/>) instead of leaving it running for a host to continue:
    /// what an operator's Ctrl-C means. Messages whose SMTP transaction had begun finish first; their outcomes are
    /// recorded. Null (the hosts' choice): a stopped campaign stays running and the next start continues it.
    /// </param>
    public async Task<SendSummary> RunAsync(long campaignId, TimeSpan retryWindow, IProgress<SendProgress>? progress,
        Func<string>? pauseWhenStopped, CancellationToken cancellationToken)
    {
        if (!_running.TryAdd(campaignId, 0))
        {
            _logger.LogInformation("Campaign {Id} is being sent by this process already", campaignId);
            var current = await _store.GetAsync(campaignId, cancellationToken)
                ?? throw new InvalidOperationException($"campaign {campaignId} does not exist");
            return new SendSummary(current, await _store.CountAsync(campaignId, cancellationToken), null);
        }
        try
        {
            return await RunOnceAsync(campaignId, retryWindow, progress, pauseWhenStopped, cancellationToken);
        }
        finally
        {
            _running.TryRemove(campaignId, out _);
        }
    }

    private async Task<SendSummary> RunOnceAsync(long campaignId, TimeSpan retryWindow, IProgress<SendProgress>? progress,
        Func<string>? pauseWhenStopped, CancellationToken cancellationToken)
    {
        var campaign = await _store.GetAsync(campaignId, cancellationToken)
            ?? throw new InvalidOperationException($"campaign {campaignId} does not exist");
        if (campaign.State is CampaignState.Cancelled or CampaignState.Completed)
        {
            return new SendSummary(campaign, await _store.CountAsync(campaignId, cancellationToken), null);
        }

        // First the outcomes of runs that died before committing them, then their leases: or their rows would go again.
        await RecoverJournalsAsync(campaignId, cancellationToken);
        await ReleaseDeadOwnersAsync(campaignId, cancellationToken);
        await TakeOverSilentSendersAsync(campaignId, cancellationToken);
        var variants = (await _store.GetVariantsAsync(campaignId, cancellationToken)).ToDictionary(
            v => v.Key,
            // Campaigns stored before the text part was composed with CRLF get it here: text/plain goes out canonical.
            v => new ComposedVariant(v.Key, v.Subject, v.Preheader, SlotTemplate.Parse(v.Html), SlotTemplate.Parse(v.Text.ReplaceLineEndings("\r\n"))));
        await _store.SetStateAsync(campaignId, CampaignState.Running, null, cancellationToken);

        var run = new Run(this, campaign, variants, _time.GetUtcNow() + retryWindow, progress, cancellationToken);
        var paused = await run.ExecuteAsync();
        if (run.TakenOver)
        {
            // Another node owns the rest of this send now (this process was silent too long): its state is theirs to set.
            return new SendSummary(await _store.GetAsync(campaignId, CancellationToken.None) ?? campaign,
                await _store.CountAsync(campaignId, CancellationToken.None), null);
        }

        var counts = await _store.CountAsync(campaignId, CancellationToken.None);
        var current = await _store.GetAsync(campaignId, CancellationToken.None) ?? campaign;
        string? interrupted = null;
        if (paused is not null)
        {
            await _store.SetStateAsync(campaignId, CampaignState.Paused, paused, CancellationToken.None);
        }
        else if (pauseWhenStopped is not null && cancellationToken.IsCancellationRequested && current.State == CampaignState.Running
            && counts.Any(c => c.Pending > 0 || c.Deferred > 0))
        {
            interrupted = pauseWhenStopped();
            await _store.SetStateAsync(campaignId, CampaignState.Paused, interrupted, CancellationToken.None);
        }
        else if (current.State == CampaignState.Running && counts.All(c => c.Pending == 0 && c.Deferred == 0))
        {
            // Only a run that was not paused or cancelled from outside completes the campaign.
            await _store.SetStateAsync(campaignId, CampaignState.Completed, null, CancellationToken.None);
        }
        campaign = await _store.GetAsync(campaignId, CancellationToken.None) ?? campaign;
        return new SendSummary(campaign, counts, paused) { Interrupted = interrupted };
    }

    /// <summary>The lease owner name of this process: <c>machine:pid:run</c>.</summary>
    internal static string NewOwner() => $"{Node}:{Guid.NewGuid():N}";

    /// <summary>This process among the nodes sharing the outbox: <c>machine:pid</c>.</summary>
    internal static string Node => $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Releases the leases of senders (of campaign <paramref name="campaignId"/>, or of every campaign when null) whose
    /// heartbeat is older than <see cref="DeliveryOptions.SilenceLimit"/> — a node that was killed, lost its network or
    /// froze — so their rows are sent again at once instead of after <see cref="DeliveryOptions.LeaseDuration"/>.
    /// The live senders call it before each claim, <c>serve</c> every <see cref="DeliveryOptions.HeartbeatInterval"/>.
    /// </summary>
    /// <remarks>
    /// Only where outcomes are committed before the next message (PostgreSQL). With an outcome journal (SQLite, one
    /// machine) a frozen sender's journal may hold outcomes not yet in the outbox, which a takeover would send again;
    /// there a dead sender is found by its process id (<see cref="ReleaseDeadOwnersAsync"/>).
    /// </remarks>
    /// <returns>The senders taken over.</returns>
    public async Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, CancellationToken cancellationToken)
    {
        if (_store.OutcomeJournalDirectory is not null)
        {
            return [];
        }
        var taken = await _store.TakeOverSilentSendersAsync(campaignId, _time.GetUtcNow() - _options.SilenceLimit, cancellationToken);
        foreach (var sender in taken)
        {
            _logger.LogWarning(
                "Taking over campaign {Id} from {Owner} on node {Node}, silent since {At:O}: released {Count} leased messages",
                sender.CampaignId, sender.Owner, sender.Node, sender.LastHeartbeat, sender.Released);
        }
        return taken;
    }

    /// <summary>Records what the journals of dead runs hold (see <see cref="OutcomeJournal.RecoverAsync"/>).</summary>
    private async Task RecoverJournalsAsync(long campaignId, CancellationToken cancellationToken)
    {
        if (_store.OutcomeJournalDirectory is { } directory
            && await OutcomeJournal.RecoverAsync(directory, campaignId, _store.RecordAsync, cancellationToken) is > 0 and var recovered)
        {
            _logger.LogInformation("Recorded {Count} outcomes of campaign {Id} from the journal of a run that stopped", recovered, campaignId);
        }
    }

    /// <summary>
    /// Releases the leases of senders on this machine whose process is gone (killed, crashed), so a restart sends their
    /// rows at once instead of after <see cref="DeliveryOptions.LeaseDuration"/>. Leases of other machines expire on their own.
    /// </summary>
    private async Task ReleaseDeadOwnersAsync(long campaignId, CancellationToken cancellationToken)
    {
        foreach (var owner in await _store.ListLeaseOwnersAsync(campaignId, cancellationToken))
        {
            var parts = owner.Split(':');
            if (parts.Length == 3 && parts[0] == Environment.MachineName
                && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var pid) && !IsAlive(pid))
            {
                _logger.LogInformation("Releasing the leases of {Owner}, whose process is gone", owner);
                await _store.ReleaseAsync(owner, cancellationToken);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The state of one run: channels, counters and the pause decision.</summary>
    private sealed class Run
    {
        private readonly CampaignSender _sender;
        private readonly Campaign _campaign;
        private readonly IReadOnlyDictionary<string, ComposedVariant> _variants;
        private readonly DateTimeOffset _retryDeadline;
        private readonly IProgress<SendProgress>? _progress;
        private readonly CancellationTokenSource _abort;
        private readonly string _owner = NewOwner();
        private readonly Channel<OutboxEntry> _claimed;
        private long _leasedUntilTicks;   // the latest lease_until this run set (claim or renewal), UTC ticks
        private long _confirmedTicks;     // when the last heartbeat that found this run still the owner was sent, UTC ticks
        private long _nextTakeoverCheckTicks;
        private volatile bool _takenOver;
        private volatile bool _claimingEnded;
        private readonly TokenBucket _overall;
        private readonly Dictionary<string, TokenBucket> _perDomain = new(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<long, bool> _domainTokenReserved = new();   // outbox row ids parked with their token
        private int _parked;
        private readonly RetryPolicy _retry;
        private readonly OutcomeRecorder _recorder;
        private int _inFlight;
        private int _consecutiveErrors;
        private int _sent, _deferred, _failed, _skipped;
        private string? _pauseReason;

        public Run(CampaignSender sender, Campaign campaign, IReadOnlyDictionary<string, ComposedVariant> variants,
            DateTimeOffset retryDeadline, IProgress<SendProgress>? progress, CancellationToken stopping)
        {
            _sender = sender;
            _campaign = campaign;
            _variants = variants;
            _retryDeadline = retryDeadline;
            _progress = progress;
            _abort = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _claimed = Channel.CreateUnbounded<OutboxEntry>();   // bounded by ClaimLoopAsync, which claims only when it runs low
            _overall = new TokenBucket(sender._options.MessagesPerSecond, sender._time);
            _retry = new RetryPolicy(sender._options);
            _recorder = new OutcomeRecorder(sender._store.OpenOutcomeWriterAsync, Committed, RecordingFailed, sender._workers, IdleCommit,
                sender._logger, OpenJournal());
        }

        /// <summary>The run's outcome journal, if the store has a place for one and it can be written there.</summary>
        private OutcomeJournal? OpenJournal()
        {
            if (_sender._store.OutcomeJournalDirectory is not { } directory)
            {
                return null;
            }
            try
            {
                return OutcomeJournal.Create(directory, _campaign.Id, _owner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _sender._logger.LogWarning(e, "Cannot create an outcome journal in {Directory}; every outcome is committed before the next message instead", directory);
                return null;
            }
        }

        private ICampaignStore Store => _sender._store;

        /// <returns>The pause reason, or null when the run ended normally (or was stopped).</returns>
        public async Task<string?> ExecuteAsync()
        {
            var started = _sender._time.GetUtcNow();
            await Store.RegisterSenderAsync(_owner, Node, _campaign.Id, started, _abort.Token);
            Confirmed(started);
            var workers = Enumerable.Range(1, _sender._workers).Select(StartWorker).ToArray();
            using var renewing = new CancellationTokenSource();
            var renewer = Task.Run(() => RenewLoopAsync(renewing.Token), CancellationToken.None);
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
                await _recorder.DisposeAsync();   // commits the outcomes no hand-over asked for
                await renewing.CancelAsync();
                await renewer;
                if (_pauseReason is not null && !_takenOver)
                {
                    // A pause (say, the outcomes cannot be recorded) may be how a frozen run that woke learns of its
                    // end: look whether it was taken over before pausing a campaign that is no longer this run's.
                    await ConfirmOwnershipSafelyAsync();
                }
                await Store.ReleaseAsync(_owner, CancellationToken.None);
                _abort.Dispose();
            }
            return _pauseReason;
        }

        /// <summary>How long an outcome waits for a worker's hand-over before it is committed anyway (idle workers, progress).</summary>
        private static readonly TimeSpan IdleCommit = TimeSpan.FromMilliseconds(50);

        private async Task ClaimLoopAsync()
        {
            var options = _sender._options;
            while (!_abort.IsCancellationRequested)
            {
                // Claim when the queue runs low, not whenever a worker frees a place: that would wake this loop for every
                // message. Parked rows are not queued: bound them too, or one slow domain would lease the whole campaign.
                if (_claimed.Reader.Count >= options.BatchSize || Volatile.Read(ref _parked) > options.BatchSize * 10)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), _sender._time, _abort.Token);
                    continue;
                }
                // Another process (campaigns pause / cancel) may have stopped the campaign: look before every batch.
                if (await Store.GetAsync(_campaign.Id, _abort.Token) is not { State: CampaignState.Running } current)
                {
                    _sender._logger.LogInformation("Campaign {Id} was stopped from outside; stopping", _campaign.Id);
                    _abort.Cancel();
                    return;
                }
                // A run of this campaign in another process may have died: its outcomes first, or its rows would go
                // again once their leases expire.
                await _sender.RecoverJournalsAsync(_campaign.Id, _abort.Token);
                // Never claim on a stale heartbeat: this run may itself have been frozen and taken over.
                if (!await ConfirmOwnershipAsync(always: false, _abort.Token))
                {
                    return;
                }
                // A sender of this campaign that fell silent (killed, frozen): release its rows and claim them below.
                await TakeOverSilentSendersAsync();
                var now = _sender._time.GetUtcNow();
                var batch = await Store.ClaimAsync(_campaign.Id, _owner, options.BatchSize, now, now + options.LeaseDuration,
                    _recorder.ExclusiveAsync, _abort.Token);
                if (batch.Count > 0)
                {
                    LeasedUntil(now + options.LeaseDuration);
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
                    await Task.Delay(TimeSpan.FromMilliseconds(20), _sender._time, _abort.Token);
                    continue;
                }
                var next = await Store.NextDeferredAsync(_campaign.Id, _abort.Token);
                if (next is null || next > _retryDeadline)
                {
                    return;
                }
                var wait = next.Value - _sender._time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _sender._time, _abort.Token);
                }
            }
        }

        /// <summary>
        /// Writes this run's heartbeat every <see cref="DeliveryOptions.HeartbeatInterval"/> and renews its leases every
        /// third of <see cref="DeliveryOptions.LeaseDuration"/>, so rows queued behind a rate limit or slow connections
        /// stay ours. When this process dies the heartbeat stops and the other nodes take the rows over after
        /// <see cref="DeliveryOptions.SilenceLimit"/>; the leases are the safety net for a sender without heartbeat.
        /// </summary>
        private async Task RenewLoopAsync(CancellationToken stop)
        {
            var options = _sender._options;
            var nextRenewal = _sender._time.GetUtcNow() + options.LeaseDuration / 3;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Both due in time: a lease shorter than three heartbeats is renewed every third of it.
                    await Task.Delay(TimeSpan.FromTicks(Math.Min(options.HeartbeatInterval.Ticks, options.LeaseDuration.Ticks / 3)), _sender._time, stop);
                    if (!await ConfirmOwnershipAsync(always: true, stop))
                    {
                        return;
                    }
                    var now = _sender._time.GetUtcNow();
                    if (now >= nextRenewal)
                    {
                        // Conditional on the owner: rows another node took over are not ours to extend.
                        await Store.RenewAsync(_owner, now + options.LeaseDuration, stop);
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
                    // Workers stop sending once the last heartbeat or lease is close to expiry (LeaseStillSafe); nothing is sent twice.
                    _sender._logger.LogWarning(e, "Renewing the heartbeat or leases of {Owner} failed", _owner);
                }
            }
        }

        /// <summary>
        /// Writes the heartbeat (at most once per <see cref="DeliveryOptions.HeartbeatInterval"/> from the claim loop).
        /// False, and the run stops, when another node took this run's rows over while it was silent (a VM stall,
        /// SIGSTOP): none of the rows it still holds may be sent.
        /// </summary>
        /// <param name="always">False: skip the write when the renew loop wrote a heartbeat within the interval.</param>
        private async Task<bool> ConfirmOwnershipAsync(bool always, CancellationToken stop)
        {
            if (_takenOver)
            {
                return false;
            }
            var now = _sender._time.GetUtcNow();
            if (!always && now - Confirmed() < _sender._options.HeartbeatInterval)
            {
                return true;
            }
            if (await Store.HeartbeatAsync(_owner, now, stop))
            {
                Confirmed(now);
                return true;
            }
            _takenOver = true;
            _sender._logger.LogWarning(
                "Campaign {Id}: another node took over the messages of {Owner} (no heartbeat since {At:O}); this batch stops, its rows are theirs",
                _campaign.Id, _owner, Confirmed());
            _abort.Cancel();
            return false;
        }

        /// <summary>True when another node took this run's rows over: the run stopped and must not change the campaign's state.</summary>
        public bool TakenOver => _takenOver;

        private async Task ConfirmOwnershipSafelyAsync()
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
                    _sender._logger.LogDebug(e, "Heartbeat of {Owner} failed", _owner);
                }
            }
        }

        private async Task TakeOverSilentSendersAsync()
        {
            var now = _sender._time.GetUtcNow();
            if (now.UtcTicks < Interlocked.Read(ref _nextTakeoverCheckTicks))
            {
                return;
            }
            Interlocked.Exchange(ref _nextTakeoverCheckTicks, (now + _sender._options.HeartbeatInterval).UtcTicks);
            await _sender.ReleaseDeadOwnersAsync(_campaign.Id, _abort.Token);   // their journals were recorded just before
            await _sender.TakeOverSilentSendersAsync(_campaign.Id, _abort.Token);
        }

        private DateTimeOffset Confirmed() => new(Interlocked.Read(ref _confirmedTicks), TimeSpan.Zero);

        private void Confirmed(DateTimeOffset at) =>
            Interlocked.Exchange(ref _confirmedTicks, Math.Max(Interlocked.Read(ref _confirmedTicks), at.UtcTicks));

        private void LeasedUntil(DateTimeOffset until) =>
            Interlocked.Exchange(ref _leasedUntilTicks, Math.Max(Interlocked.Read(ref _leasedUntilTicks), until.UtcTicks));

        /// <summary>
        /// True while at least a third of a lease remains and the last heartbeat is at most half a grace past due: a
        /// message is only started when no other sender can take its row before the SMTP transaction ends. A run that
        /// was frozen wakes with a stale heartbeat and starts nothing until its heartbeat confirms the rows are still its.
        /// </summary>
        private bool LeaseStillSafe()
        {
            var options = _sender._options;
            var now = _sender._time.GetUtcNow();
            return !_takenOver
                && new DateTimeOffset(Interlocked.Read(ref _leasedUntilTicks), TimeSpan.Zero) - now > options.LeaseDuration / 3
                && now - Confirmed() < options.HeartbeatInterval + options.FailoverGrace / 2;
        }

        /// <summary>
        /// Waits (on a worker's thread) until <see cref="LeaseStillSafe"/>: a heartbeat that is late (a stall of this
        /// process, a slow database) is written by the renew loop within <see cref="DeliveryOptions.HeartbeatInterval"/>
        /// and either confirms the rows are still this run's or finds them taken over. False when they were taken over or
        /// the run is ending: then the row must not be sent or recorded.
        /// </summary>
        /// <remarks>
        /// Dropping the row at once instead (as before) left it leased to this run, unsent, until the run ended and a
        /// later delivery round (<c>Scheduling:DeliveryInterval</c>, 30 s) sent it: a short stall delayed a send by a round.
        /// </remarks>
        private bool AwaitSafeLease()
        {
            while (!LeaseStillSafe())
            {
                if (_takenOver || _claimingEnded || _abort.IsCancellationRequested)
                {
                    return false;
                }
                Thread.Sleep(20);
            }
            return true;
        }

        /// <summary>
        /// Starts one connection's loop on a thread of its own (see <see cref="IMailTransport"/> for why); the task
        /// completes when the loop ends.
        /// </summary>
        private Task StartWorker(int number)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    WorkerLoop();
                    done.SetResult();
                }
                catch (Exception e)
                {
                    done.SetException(e);   // an unhandled exception on a thread of our own would end the process
                }
            })
            {
                IsBackground = true,
                Name = $"campaign {_campaign.Id} sender {number}",
            };
            thread.Start();
            return done.Task;
        }

        /// <summary>
        /// One connection's loop. A message is handed over (SMTP's final dot) only once the outcome of the worker's
        /// previous message is safe (journaled or committed), yet everything before that overlaps the commit; so after a
        /// crash at most one message per connection has an unknown fate, without every message waiting for a commit.
        /// </summary>
        private void WorkerLoop()
        {
            IMailSession? session = null;
            var previous = 0L;   // the sequence number of this worker's last outcome
            Action handOver = () =>
            {
                _recorder.WaitDurable(previous);
                // The wait may have spanned a freeze: hand nothing over on rows another node may have taken since.
                if (!AwaitSafeLease())
                {
                    throw new OperationCanceledException("this run's rows may have been taken over by another node");
                }
            };
            try
            {
                while (Take(out var entry))
                {
                    if (_abort.IsCancellationRequested || !AwaitSafeLease())
                    {
                        Interlocked.Decrement(ref _inFlight);
                        continue;   // leave it leased; released at the end of the run, or claimed again when it expires
                    }
                    DeliveryRecord? record;
                    try
                    {
                        // No hand-over when the previous outcome is safe already (always, with a journal): the
                        // message then goes out in one piece instead of waiting at its last line.
                        record = Deliver(entry, ref session, _recorder.IsSafe(previous) ? null : handOver);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Decrement(ref _inFlight);
                        continue;
                    }
                    catch (Exception e)
                    {
                        // A fault of ours while building the message must not lose the row: defer it with the reason.
                        _sender._logger.LogError(e, "Message for outbox row {Id} could not be built", entry.Id);
                        record = Outcome(entry, OutboxStatus.Deferred, $"internal error: {e.Message}", temporary: true);
                    }
                    if (record is not null && record.Status != OutboxStatus.Sent && !AwaitSafeLease())
                    {
                        // Not sent, and the row may be another node's by now: recording would overwrite its outcome.
                        Interlocked.Decrement(ref _inFlight);
                        continue;
                    }
                    if (record is not null)
                    {
                        previous = _recorder.Append(record);   // counted out of _inFlight once committed
                    }
                    // else: parked for its domain's rate; still in flight, it comes back to the channel
                }
            }
            finally
            {
                session?.Dispose();
            }
        }

        /// <summary>Takes the next claimed row, blocking while none is queued; false once the claim loop is done.</summary>
        private bool Take(out OutboxEntry entry)
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

        /// <returns>The outcome, or null when the row was parked until its domain's token is due.</returns>
        private DeliveryRecord? Deliver(OutboxEntry entry, ref IMailSession? session, Action? handOver)
        {
            if (!entry.SubscriberActive)
            {
                return Outcome(entry, OutboxStatus.Skipped, "subscriber no longer active", temporary: false);
            }
            if (!_variants.TryGetValue(entry.Variant, out var variant))
            {
                return Outcome(entry, OutboxStatus.Failed, $"campaign has no variant '{entry.Variant}'", temporary: false);
            }
            try
            {
                // Connect before taking rate tokens: a token spent on connecting would let the next messages bunch up.
                session ??= _sender._transport.OpenSession(_campaign.BatchName, _abort.Token);
            }
            catch (DeliveryException e)
            {
                return Failure(entry, e);
            }
            if (ParkForDomain(entry))
            {
                return null;   // back in the channel when its domain's token is due; this worker takes the next row
            }
            var token = _overall.TakeAsync(_abort.Token);
            if (!token.IsCompletedSuccessfully)
            {
                token.GetAwaiter().GetResult();
            }

            var links = _sender._links;
            var values = new RecipientValues(entry.Salutation, entry.Name, entry.Email,
                links.UnsubscribeUrl(entry.SubscriberId, entry.CampaignId), links.ViewUrl(entry.SubscriberId, entry.CampaignId));
            var recipient = new Recipient(entry.Email, entry.Name, values);
            // Disposing returns the message's pooled buffer.
            using var message = _sender._messages.Create(variant, recipient, entry.MessageId, entry.CampaignId, _sender._time.GetUtcNow(), outboxId: entry.Id);
            try
            {
                // An SMTP transaction that has begun is allowed to finish on stop: only the timeout ends it.
                var reply = session.Send(message, FileName(entry), handOver);
                Judge(null);
                return Outcome(entry, OutboxStatus.Sent, reply, temporary: false);
            }
            catch (DeliveryException e)
            {
                return Failure(entry, e);
            }
        }

        private DeliveryRecord Failure(OutboxEntry entry, DeliveryException e)
        {
            var verdict = Judge(e);
            return Outcome(entry, verdict.Status, e.Reply, verdict.Temporary, verdict.Bounced, verdict.CountAttempt);
        }

        /// <summary>Applies <see cref="FailurePolicy"/> to the run's count of consecutive errors (shared by the workers) and pauses when it says so.</summary>
        private FailureVerdict Judge(DeliveryException? failure)
        {
            FailureVerdict verdict;
            int seen;
            do
            {
                seen = Volatile.Read(ref _consecutiveErrors);
                verdict = FailurePolicy.Judge(failure, seen, _sender._options.PauseAfterConsecutiveErrors);
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
                _sender._logger.LogWarning("Campaign {Id} paused: {Reason}", _campaign.Id, reason);
                _abort.Cancel();
            }
        }

        private DeliveryRecord Outcome(OutboxEntry entry, OutboxStatus status, string? reply, bool temporary,
            bool bounced = false, bool countAttempt = true)
        {
            var now = _sender._time.GetUtcNow();
            var attempts = countAttempt && status != OutboxStatus.Skipped ? entry.Attempts + 1 : entry.Attempts;
            DateTimeOffset? next = null;
            if (temporary)
            {
                next = countAttempt ? _retry.NextAttempt(attempts, entry.FirstAttemptAt ?? now, now) : now + _sender._options.RetryBaseDelay;
                if (next is null)
                {
                    status = OutboxStatus.Failed;
                    reply = $"gave up after {attempts} attempts: {reply}";
                }
            }
            return new DeliveryRecord(entry.Id, entry.SubscriberId, status, attempts, reply, now, next, bounced);
        }

        /// <summary>
        /// Reserves the row's token of its recipient domain; when it is not due yet, parks the row until it is and
        /// returns true. A worker never waits for one domain, so a domain held back by its limit holds back no other.
        /// </summary>
        private bool ParkForDomain(OutboxEntry entry)
        {
            if (_sender._options.MessagesPerSecondPerDomain <= 0 || _domainTokenReserved.TryRemove(entry.Id, out _))
            {
                return false;
            }
            var wait = DomainBucket(entry.Email).Reserve();
            if (wait <= TimeSpan.Zero)
            {
                return false;
            }
            _domainTokenReserved[entry.Id] = true;
            Interlocked.Increment(ref _parked);
            var stopping = _abort.Token;
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(wait, _sender._time, stopping);
                    await _claimed.Writer.WriteAsync(entry, stopping);
                }
                catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
                {
                    Interlocked.Decrement(ref _inFlight);   // stopped: the row stays leased and is released at the end of the run
                }
                finally
                {
                    Interlocked.Decrement(ref _parked);
                }
            }, CancellationToken.None);
            return true;
        }

        private TokenBucket DomainBucket(string email)
        {
            var domain = email[(email.LastIndexOf('@') + 1)..];
            lock (_perDomain)
            {
                if (!_perDomain.TryGetValue(domain, out var bucket))
                {
                    bucket = new TokenBucket(_sender._options.MessagesPerSecondPerDomain, _sender._time);
                    _perDomain[domain] = bucket;
                }
                return bucket;
            }
        }

        /// <summary>A batch of outcomes is durable: count it, and count its rows out of the run.</summary>
        private void Committed(IReadOnlyList<DeliveryRecord> records)
        {
            foreach (var record in records)
            {
                Count(record.Status);
            }
            Interlocked.Add(ref _inFlight, -records.Count);
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

        private void Count(OutboxStatus status)
        {
            switch (status)
            {
                case OutboxStatus.Sent: _sent++; break;
                case OutboxStatus.Deferred: _deferred++; break;
                case OutboxStatus.Failed: _failed++; break;
                case OutboxStatus.Skipped: _skipped++; break;
            }
        }

        private static string FileName(OutboxEntry entry)
        {
            var safe = new string(entry.Email.Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '-' or '_' ? c : '_').ToArray());
            return $"{entry.Id:D8}-{safe}";
        }
    }

}
