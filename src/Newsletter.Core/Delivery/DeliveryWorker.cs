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
    private IMailSession? _session;
    private long _previous;   // the sequence number of this worker's last outcome

    private DeliveryWorker(SendRun run)
    {
        _run = run;
        _sender = run.Sender;
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

    private void Loop()
    {
        Action handOver = () =>
        {
            _run.Recorder.WaitDurable(_previous);
            // The wait may have spanned a freeze: hand nothing over on rows another node may have taken since.
            if (!_run.AwaitSafeLease())
            {
                throw new OperationCanceledException("this run's rows may have been taken over by another node");
            }
        };
        try
        {
            while (_run.Take(out var entry))
            {
                if (_run.Stopping.IsCancellationRequested || !_run.AwaitSafeLease())
                {
                    _run.Dropped();
                    continue;   // leave it leased; released at the end of the run, or claimed again when it expires
                }
                DeliveryRecord? record;
                try
                {
                    // No hand-over when the previous outcome is safe already (always, where the store keeps outcomes): the
                    // message then goes out in one piece instead of waiting at its last line.
                    record = Deliver(entry, _run.Recorder.IsSafe(_previous) ? null : handOver);
                }
                catch (OperationCanceledException)
                {
                    _run.Dropped();
                    continue;
                }
                catch (Exception e)
                {
                    // A fault of ours while building the message must not lose the row: defer it with the reason.
                    _sender.Logger.LogError(e, "Message for outbox row {Id} could not be built", entry.Id);
                    record = Outcome(entry, OutboxStatus.Deferred, $"internal error: {e.Message}", temporary: true);
                }
                if (record is not null && record.Status != OutboxStatus.Sent && !_run.AwaitSafeLease())
                {
                    // Not sent, and the row may be another node's by now: recording would overwrite its outcome.
                    _run.Dropped();
                    continue;
                }
                if (record is not null)
                {
                    _previous = _run.Recorder.Append(record);   // counted out of the run's in-flight rows once committed
                    NewsletterMetrics.Outcome(_run.CampaignLabel, entry.Email, OutcomeLabel(record.Status));
                }
                // else: parked for its domain's rate; still in flight, it comes back to the queue
            }
        }
        finally
        {
            _session?.Dispose();
        }
    }

    /// <returns>The outcome, or null when the row was parked until its domain's token is due.</returns>
    private DeliveryRecord? Deliver(OutboxEntry entry, Action? handOver)
    {
        if (!entry.SubscriberActive)
        {
            return Outcome(entry, OutboxStatus.Skipped, "subscriber no longer active", temporary: false);
        }
        if (!_run.Variants.TryGetValue(entry.Variant, out var variant))
        {
            return Outcome(entry, OutboxStatus.Failed, $"campaign has no variant '{entry.Variant}'", temporary: false);
        }
        try
        {
            // Connect before taking rate tokens: a token spent on connecting would let the next messages bunch up.
            _session ??= _sender.Transport.OpenSession(_run.Campaign.BatchName, _run.Stopping);
        }
        catch (DeliveryException e)
        {
            return Failure(entry, e);
        }
        if (_run.ParkForDomain(entry))
        {
            return null;   // back in the queue when its domain's token is due; this worker takes the next row
        }
        var token = _run.Overall.TakeAsync(_run.Stopping);
        if (!token.IsCompletedSuccessfully)
        {
            token.GetAwaiter().GetResult();
        }

        if (_run.Tracked is not null && _run.Tracked.TryGetValue(entry.Variant, out var trackedHtml))
        {
            variant = _sender.Tracking!.ForRecipient(variant, trackedHtml, entry.SubscriberId, entry.CampaignId);
        }
        var links = _sender.Links;
        var values = new RecipientValues(entry.Salutation, entry.Name, entry.Email,
            links.UnsubscribeUrl(entry.SubscriberId, entry.CampaignId), links.ViewUrl(entry.SubscriberId, entry.CampaignId));
        var recipient = new Recipient(entry.Email, entry.Name, values);
        // Disposing returns the message's pooled buffer.
        using var message = _sender.Messages.Create(variant, recipient, entry.MessageId, entry.CampaignId, _sender.Time.GetUtcNow(), outboxId: entry.Id);
        try
        {
            // An SMTP transaction that has begun is allowed to finish on stop: only the timeout ends it.
            var started = Stopwatch.GetTimestamp();
            var reply = _session.Send(message, FileName(entry), handOver);
            NewsletterMetrics.MessageSent(_run.CampaignLabel, started);
            _run.Judge(null);
            return Outcome(entry, OutboxStatus.Sent, reply, temporary: false);
        }
        catch (DeliveryException e)
        {
            return Failure(entry, e);
        }
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
