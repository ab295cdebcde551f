namespace Newsletter.Core.Delivery;

/// <summary>What to do with one message's result: its outbox status, whether to retry, and whether to pause the campaign.</summary>
/// <param name="Status">Sent, Deferred (to retry) or Failed.</param>
/// <param name="Temporary">Retry later (the next attempt comes from <see cref="RetryPolicy"/>).</param>
/// <param name="CountAttempt">Whether the attempt counts toward <see cref="DeliveryOptions.MaxAttempts"/> (a fault of our settings does not).</param>
/// <param name="Bounced">The recipient's address does not exist (550, 551, 553 on RCPT): mark the subscriber bounced.</param>
/// <param name="ConsecutiveErrors">The count of sender-side rejections in a row after this result.</param>
/// <param name="PauseReason">Non-null: pause the campaign with this reason.</param>
public readonly record struct FailureVerdict(OutboxStatus Status, bool Temporary, bool CountAttempt, bool Bounced,
    int ConsecutiveErrors, string? PauseReason);

/// <summary>
/// The failure and pause policy of a send, as a pure function of one result and the run's count of consecutive
/// sender-side rejections: a recipient's own refusal fails only that recipient, a temporary failure is retried, a
/// rejection of the message (5xx on MAIL FROM or DATA) counts toward <see cref="DeliveryOptions.PauseAfterConsecutiveErrors"/>,
/// a configuration fault (authentication, TLS) pauses at once and keeps the message. Any message that got through —
/// or a recipient-level refusal, which proves the server accepts our mail — starts the count again.
/// </summary>
public static class FailurePolicy
{
    /// <summary>Judges one result.</summary>
    /// <param name="failure">Null when the message was accepted.</param>
    /// <param name="consecutiveErrors">Sender-side rejections in a row before this result.</param>
    /// <param name="pauseAfter"><see cref="DeliveryOptions.PauseAfterConsecutiveErrors"/>.</param>
    public static FailureVerdict Judge(DeliveryException? failure, int consecutiveErrors, int pauseAfter)
    {
        if (failure is null)
        {
            return new FailureVerdict(OutboxStatus.Sent, Temporary: false, CountAttempt: true, Bounced: false, 0, null);
        }
        switch (failure.Kind)
        {
            case DeliveryFailureKind.Temporary:
                return new FailureVerdict(OutboxStatus.Deferred, Temporary: true, CountAttempt: true, Bounced: false, consecutiveErrors, null);
            case DeliveryFailureKind.RecipientRejected:
                return new FailureVerdict(OutboxStatus.Failed, Temporary: false, CountAttempt: true,
                    Bounced: failure.StatusCode is 550 or 551 or 553, 0, null);
            case DeliveryFailureKind.MessageRejected:
                var errors = consecutiveErrors + 1;
                return new FailureVerdict(OutboxStatus.Failed, Temporary: false, CountAttempt: true, Bounced: false, errors,
                    errors >= pauseAfter ? $"{errors} messages in a row were rejected; last reply: {failure.Reply}" : null);
            default:
                // Nothing will get through until the settings are fixed: pause, and keep this message for later.
                return new FailureVerdict(OutboxStatus.Deferred, Temporary: true, CountAttempt: false, Bounced: false, consecutiveErrors, failure.Reply);
        }
    }
}
