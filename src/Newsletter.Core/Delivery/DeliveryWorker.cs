using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Composition;

namespace Newsletter.Core.Delivery;

/// <summary>
/// One connection's loop, on a thread of its own (see <see cref="IMailTransport"/> for why): takes claimed rows,
/// personalises and sends each message through its session, and appends the outcome. A message is handed over (SMTP's
/// final dot) only once the outcome of the worker's previous message is safe (kept by the store or committed), yet everything
/// before that overlaps the commit; so after a crash at most one message per connection has an unknown fate, without
/// every message waiting for a commit.
/// </summary>
internal sealed class DeliveryWorker
{
    private readonly SendRun _run;
    private readonly CampaignSender _sender;
    private readonly Action _handOver;   // before a message's end: the previous outcome safe, the lease too
    private IMailSession? _session;
    private long _previous;   // the sequence number of this worker's last outcome

    private DeliveryWorker(SendRun run)
    {
        _run = run;
        _sender = run.Sender;
        _handOver = () =>
        {
            _run.Recorder.WaitDurable(_previous);
            // The wait may have spanned a freeze: hand nothing over on rows another node may have taken since.
            if (!_run.AwaitSafeLease())
            {
                throw new OperationCanceledException("this run's rows may have been taken over by another node");
            }
        };
    }

    /// <summary>Starts worker <paramref name="number"/> of <paramref name="run"/>; the task completes when its loop ends.</summary>
    public static Task Start(SendRun run, int number)
    {
        var worker = new DeliveryWorker(run);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                worker.Loop();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);   // an unhandled exception on a thread of our own would end the process
            }
        })
        {
            IsBackground = true,
            Name = $"campaign {run.Campaign.Id} sender {number}",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>A row on its way: admitted (see <see cref="Admit"/>), and built once its rate token is taken.</summary>
    private sealed class Ready(OutboxEntry entry, ComposedVariant variant)
    {
        public OutboxEntry Entry { get; } = entry;

        public ComposedVariant Variant { get; } = variant;

        /// <summary>The message, once built; disposing it returns its pooled buffer.</summary>
        public OutgoingMessage? Message { get; set; }
    }

    /// <summary>
    /// Takes rows and sends them. Where the session pipelines (SMTP with PIPELINING), the next row is taken and built
    /// before the current message goes, so its MAIL, RCPT and DATA follow the current end of data on the wire (one round
    /// trip per message): only a row that is queued and whose rate token is due now, so nothing waits for it. Each
    /// message's final reply decides its outcome alone; the next message's hand-over still waits for this outcome.
    /// </summary>
    private void Loop()
    {
        Ready? current = null;
        try
        {
            while (true)
            {
                if (current is null)
                {
                    if (!_run.Take(out var entry))
                    {
                        break;
                    }
                    current = Admit(entry);
                    if (current is null)
                    {
                        continue;
                    }
                }
                // A transaction that has begun (announced behind the previous message) is allowed to finish on stop, as
                // any begun transaction; a message not begun is not started once the run stops.
                var begun = current.Message is not null && ReferenceEquals(_session?.Announced, current.Message);
                if ((!begun && _run.Stopping.IsCancellationRequested) || !_run.AwaitSafeLease())
                {
                    Drop(current);   // left leased; released at the end of the run, or claimed again when it expires
                    current = null;
                    continue;
                }
                if (current.Message is null && !Build(current, waitForToken: true))
                {
                    current = null;
                    continue;
                }
                var next = _session!.Pipelining ? Lookahead() : null;
                var record = Transmit(current, next?.Message);
                current.Message!.Dispose();
                if (record is null)
                {
                    _run.Dropped();
                }
                else
                {
                    Record(current.Entry, record);
                }
                current = next;
            }
        }
        finally
        {
            current?.Message?.Dispose();
            _session?.Dispose();
        }
    }

    /// <summary>The next queued row that can go at once (built, its token taken), or null; rows settled on the way are recorded.</summary>
    private Ready? Lookahead()
    {
        while (!_run.Stopping.IsCancellationRequested && _run.TryTake(out var entry))
        {
            if (Admit(entry) is not { } ready)
            {
                continue;
            }
            if (!_run.Overall.TryTake())
            {
                return ready;   // its token is not due: it goes next, built when it is, not announced
            }
            if (Build(ready, waitForToken: false))
            {
                return ready;
            }
        }
        return null;
    }

    /// <summary>
    /// The checks a row passes before it is built: still active, its variant known, the session open, its domain's
    /// rate. Null when the row is settled here (its outcome appended) or parked until its domain's token is due (it
    /// comes back to the queue; this worker takes the next row).
    /// </summary>
    private Ready? Admit(OutboxEntry entry)
    {
        if (!entry.SubscriberActive)
        {
            Record(entry, Outcome(entry, OutboxStatus.Skipped, "subscriber no longer active", temporary: false));
            return null;
        }
        if (!_run.Variants.TryGetValue(entry.Variant, out var variant))
        {
            Record(entry, Outcome(entry, OutboxStatus.Failed, $"campaign has no variant '{entry.Variant}'", temporary: false));
            return null;
        }
        try
        {
            // Connect before taking rate tokens: a token spent on connecting would let the next messages bunch up.
            _session ??= _sender.Transport.OpenSession(_run.Campaign.BatchName, _run.Stopping);
        }
        catch (DeliveryException e)
        {
            Record(entry, Failure(entry, e));
            return null;
        }
        catch (OperationCanceledException)
        {
            _run.Dropped();   // stopped while connecting
            return null;
        }
        return _run.ParkForDomain(entry) ? null : new Ready(entry, variant);
    }

    /// <summary>Takes the row's overall rate token (waiting for it, or only when <paramref name="waitForToken"/> is false and it is due, by the caller) and builds its message; false when the row was settled instead.</summary>
    private bool Build(Ready ready, bool waitForToken)
    {
        var entry = ready.Entry;
        try
        {
            if (waitForToken)
            {
                var token = _run.Overall.TakeAsync(_run.Stopping);
                if (!token.IsCompletedSuccessfully)
                {
                    token.GetAwaiter().GetResult();
                }
            }
            var variant = ready.Variant;
            if (_run.Tracked is not null && _run.Tracked.TryGetValue(entry.Variant, out var trackedHtml))
            {
                variant = _sender.Tracking!.ForRecipient(variant, trackedHtml, entry.SubscriberId, entry.CampaignId);
            }
            var links = _sender.Links;
            var values = new RecipientValues(entry.Salutation, entry.Name, entry.Email,
                links.UnsubscribeUrl(entry.SubscriberId, entry.CampaignId), links.ViewUrl(entry.SubscriberId, entry.CampaignId));
            var recipient = new Recipient(entry.Email, entry.Name, values);
            ready.Message = _sender.Messages.Create(variant, recipient, entry.MessageId, entry.CampaignId, _sender.Time.GetUtcNow(), outboxId: entry.Id);
            return true;
        }
        catch (OperationCanceledException)
        {
            _run.Dropped();   // stopped while waiting for the rate
            return false;
        }
        catch (Exception e)
        {
            // A fault of ours while building the message must not lose the row: defer it with the reason.
            _sender.Logger.LogError(e, "Message for outbox row {Id} could not be built", entry.Id);
            Record(entry, Outcome(entry, OutboxStatus.Deferred, $"internal error: {e.Message}", temporary: true));
            return false;
        }
    }

    /// <summary>Sends the built message, announcing <paramref name="next"/> behind it where the session pipelines.</summary>
    /// <returns>The outcome, or null when the message was abandoned without one.</returns>
    private DeliveryRecord? Transmit(Ready ready, OutgoingMessage? next)
    {
        var entry = ready.Entry;
        try
        {
            // No hand-over when the previous outcome is safe already (always, where the store keeps outcomes): the
            // message then goes out in one piece instead of waiting at its last line.
            var handOver = _run.Recorder.IsSafe(_previous) ? null : _handOver;
            // An SMTP transaction that has begun is allowed to finish on stop: only the timeout ends it.
            var started = Stopwatch.GetTimestamp();
            var reply = _session!.Send(ready.Message!, FileName(entry), handOver, next);
            NewsletterMetrics.MessageSent(_run.CampaignLabel, started);
            _run.Judge(null);
            return Outcome(entry, OutboxStatus.Sent, reply, temporary: false);
        }
        catch (DeliveryException e)
        {
            return Failure(entry, e);
        }
        catch (OperationCanceledException)
        {
            return null;   // a hand-over that found the lease in doubt abandoned it
        }
        catch (Exception e)
        {
            _sender.Logger.LogError(e, "Message for outbox row {Id} could not be sent", entry.Id);
            return Outcome(entry, OutboxStatus.Deferred, $"internal error: {e.Message}", temporary: true);
        }
    }

    /// <summary>Appends the row's outcome, unless it is not a send and the row may be another node's by now.</summary>
    private void Record(OutboxEntry entry, DeliveryRecord record)
    {
        if (record.Status != OutboxStatus.Sent && !_run.AwaitSafeLease())
        {
            // Not sent, and the row may be another node's by now: recording would overwrite its outcome.
            _run.Dropped();
            return;
        }
        _previous = _run.Recorder.Append(record);   // counted out of the run's in-flight rows once committed
        NewsletterMetrics.Outcome(_run.CampaignLabel, entry.Email, OutcomeLabel(record.Status));
    }

    /// <summary>A row leaves without an outcome (stopped, or the lease is in doubt); an announced message is abandoned by the session.</summary>
    private void Drop(Ready ready)
    {
        ready.Message?.Dispose();
        _run.Dropped();
    }

    private DeliveryRecord Failure(OutboxEntry entry, DeliveryException e)
    {
        var verdict = _run.Judge(e);
        return Outcome(entry, verdict.Status, e.Reply, verdict.Temporary, verdict.Bounced, verdict.CountAttempt);
    }

    private DeliveryRecord Outcome(OutboxEntry entry, OutboxStatus status, string? reply, bool temporary,
        bool bounced = false, bool countAttempt = true)
    {
        var now = _sender.Time.GetUtcNow();
        var attempts = countAttempt && status != OutboxStatus.Skipped ? entry.Attempts + 1 : entry.Attempts;
        DateTimeOffset? next = null;
        if (temporary)
        {
            next = countAttempt ? _run.Retry.NextAttempt(attempts, entry.FirstAttemptAt ?? now, now) : now + _sender.Options.RetryBaseDelay;
            if (next is null)
            {
                status = OutboxStatus.Failed;
                reply = $"gave up after {attempts} attempts: {reply}";
            }
        }
        return new DeliveryRecord(entry.Id, entry.SubscriberId, status, attempts, reply, now, next, bounced);
    }

    private static string OutcomeLabel(OutboxStatus status) => status switch
    {
        OutboxStatus.Sent => "sent",
        OutboxStatus.Deferred => "deferred",
        OutboxStatus.Failed => "failed",
        OutboxStatus.Skipped => "skipped",
        _ => "other",
    };

    private static string FileName(OutboxEntry entry)
    {
        var safe = new string(entry.Email.Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '-' or '_' ? c : '_').ToArray());
        return $"{entry.Id:D8}-{safe}";
    }
}
