using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Composition;

namespace Newsletter.Core.Delivery;

/// <summary>
/// The send path (principle 3): leased batches from the outbox (<see cref="IOutbox"/>) → a queue the claim loop keeps
/// filled (<see cref="SendRun"/>, its lease and heartbeat <see cref="SenderLease"/>) → one <see cref="DeliveryWorker"/>
/// per transport session (<see cref="IMailTransport.MaxSessions"/>: one SMTP connection each), personalising and
/// serialising each message → an <see cref="OutcomeRecorder"/> that group-commits outcomes. A worker hands a message over (SMTP's final dot) only
/// once its previous outcome is safe — kept by the store's outcome writer (<see cref="IOutcomeWriter.Keep"/>) or committed — so after a
/// crash at most one message per connection has an unknown fate; those are re-sent with the same Message-ID.
/// Consecutive sender-side rejections beyond <see cref="DeliveryOptions.PauseAfterConsecutiveErrors"/>, or a
/// configuration fault (authentication, TLS), pause the campaign instead of burning the list (<see cref="FailurePolicy"/>).
/// This class is the entry: one run per campaign at a time, what the run leaves the campaign's state as, and the
/// release and takeover of dead or silent senders.
/// </summary>
public sealed class CampaignSender
{
    private readonly ICampaignStore _store;
    private readonly IOutbox _outbox;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CampaignSender> _logger;
    private readonly ConcurrentDictionary<long, byte> _running = new();
    private readonly Figures.TrackingRenderer? _tracking;   // the open pixel and click redirects of tracked campaigns

    public CampaignSender(ICampaignStore store, IOutbox outbox, IMailTransport transport, MessageFactory messages, IRecipientLinks links,
        DeliveryOptions deliveryOptions, TimeProvider time, ILogger<CampaignSender> logger, Figures.TrackingRenderer? tracking = null)
    {
        _tracking = tracking;
        _store = store;
        _outbox = outbox;
        Transport = transport;
        Messages = messages;
        Links = links;
        _options = deliveryOptions;   // validated where it was bound (DeliveryOptionsValidator)
        _time = time;
        _logger = logger;
        Workers = Math.Max(1, transport.MaxSessions);
    }

    internal ICampaignStore Store => _store;

    internal IOutbox Outbox => _outbox;

    internal IMailTransport Transport { get; }

    internal MessageFactory Messages { get; }

    internal IRecipientLinks Links { get; }

    internal DeliveryOptions Options => _options;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal Figures.TrackingRenderer? Tracking => _tracking;

    /// <summary>Workers per run: one per session the transport serves.</summary>
    internal int Workers { get; }

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
            return new SendSummary(current, await _store.CountAsync(campaignId, cancellationToken), null) { AlreadyRunning = true };
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
        await RecoverOutcomesAsync(campaignId, cancellationToken);
        await ReleaseDeadOwnersAsync(campaignId, cancellationToken);
        await TakeOverSilentSendersAsync(campaignId, cancellationToken);
        var variants = (await _store.GetVariantsAsync(campaignId, cancellationToken)).ToDictionary(
            v => v.Key,
            // Campaigns stored before the text part was composed with CRLF get it here: text/plain goes out canonical.
            v => new ComposedVariant(v.Key, v.Subject, v.Preheader, SlotTemplate.Parse(v.Html), SlotTemplate.Parse(v.Text.ReplaceLineEndings("\r\n"))));
        var tracked = _tracking is null ? null : await _tracking.PrepareAsync(campaignId, variants.Values, cancellationToken);
        if (!await CampaignLifecycle.TryAsync(_store, campaignId, CampaignAction.Start, null, cancellationToken))
        {
            // Cancelled or completed since we looked: nothing to send.
            return new SendSummary(await _store.GetAsync(campaignId, cancellationToken) ?? campaign, await _store.CountAsync(campaignId, cancellationToken), null);
        }

        var run = new SendRun(this, campaign, variants, _time.GetUtcNow() + retryWindow, progress, cancellationToken) { Tracked = tracked };
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
            await CampaignLifecycle.TryAsync(_store, campaignId, CampaignAction.Halt, paused, CancellationToken.None);
        }
        else if (pauseWhenStopped is not null && cancellationToken.IsCancellationRequested && current.State == CampaignState.Running
            && counts.Any(c => c.Pending > 0 || c.Deferred > 0))
        {
            interrupted = pauseWhenStopped();
            await CampaignLifecycle.TryAsync(_store, campaignId, CampaignAction.Halt, interrupted, CancellationToken.None);
        }
        else if (current.State == CampaignState.Running && counts.All(c => c.Pending == 0 && c.Deferred == 0))
        {
            // Only a run that was not paused or cancelled from outside completes the campaign: conditional, because a
            // cancel may land between our look at the state and this write.
            await CampaignLifecycle.TryAsync(_store, campaignId, CampaignAction.Complete, null, CancellationToken.None);
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
    /// Only where outcomes are committed before the next message. Where the store keeps them on the sender's machine
    /// first (<see cref="IOutbox.KeepsOutcomesBeforeCommit"/>) a frozen sender may hold outcomes not yet in the outbox,
    /// which a takeover would send again; there a dead sender is found by its process id (<see cref="ReleaseDeadOwnersAsync"/>).
    /// </remarks>
    /// <returns>The senders taken over.</returns>
    public async Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, CancellationToken cancellationToken)
    {
        if (_outbox.KeepsOutcomesBeforeCommit)
        {
            return [];
        }
        var taken = await _outbox.TakeOverSilentSendersAsync(campaignId, _time.GetUtcNow() - _options.SilenceLimit, cancellationToken);
        foreach (var sender in taken)
        {
            _logger.LogWarning(
                "Taking over campaign {Id} from {Owner} on node {Node}, silent since {At:O}: released {Count} leased messages",
                sender.CampaignId, sender.Owner, sender.Node, sender.LastHeartbeat, sender.Released);
        }
        return taken;
    }

    /// <summary>Records the outcomes dead runs kept but had not committed (see <see cref="IOutbox.RecoverOutcomesAsync"/>).</summary>
    internal async Task RecoverOutcomesAsync(long campaignId, CancellationToken cancellationToken)
    {
        if (await _outbox.RecoverOutcomesAsync(campaignId, cancellationToken) is > 0 and var recovered)
        {
            _logger.LogInformation("Recorded {Count} outcomes of campaign {Id} kept by a run that stopped", recovered, campaignId);
        }
    }

    /// <summary>
    /// Releases the leases of senders on this machine whose process is gone (killed, crashed), so a restart sends their
    /// rows at once instead of after <see cref="DeliveryOptions.LeaseDuration"/>. Leases of other machines expire on their own.
    /// </summary>
    internal async Task ReleaseDeadOwnersAsync(long campaignId, CancellationToken cancellationToken)
    {
        foreach (var owner in await _outbox.ListLeaseOwnersAsync(campaignId, cancellationToken))
        {
            var parts = owner.Split(':');
            if (parts.Length == 3 && parts[0] == Environment.MachineName
                && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var pid) && !IsAlive(pid))
            {
                _logger.LogInformation("Releasing the leases of {Owner}, whose process is gone", owner);
                await _outbox.ReleaseAsync(owner, cancellationToken);
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
}
