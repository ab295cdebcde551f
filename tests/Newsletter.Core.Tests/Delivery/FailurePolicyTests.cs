using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>The failure and pause policy of a send, as the pure function <see cref="FailurePolicy.Judge"/>.</summary>
public sealed class FailurePolicyTests
{
    private static DeliveryException Rejected(int code = 554) => new(DeliveryFailureKind.MessageRejected, $"{code} 5.7.1 message refused", code);

    /// <summary>Drives a sequence of results through the policy as a run does; returns the verdicts.</summary>
    private static List<FailureVerdict> Run(int pauseAfter, params DeliveryException?[] results)
    {
        var errors = 0;
        var verdicts = new List<FailureVerdict>();
        foreach (var result in results)
        {
            var verdict = FailurePolicy.Judge(result, errors, pauseAfter);
            errors = verdict.ConsecutiveErrors;
            verdicts.Add(verdict);
        }
        return verdicts;
    }

    [Fact]
    public void Rejections_in_a_row_pause_at_the_threshold_with_the_last_reply()
    {
        var verdicts = Run(3, Rejected(), Rejected(), Rejected(550));

        Assert.Equal([null, null], verdicts.Take(2).Select(v => v.PauseReason));
        Assert.Equal("3 messages in a row were rejected; last reply: 550 5.7.1 message refused", verdicts[2].PauseReason);
        Assert.All(verdicts, v => Assert.Equal(OutboxStatus.Failed, v.Status));
    }

    [Fact]
    public void A_message_that_gets_through_starts_the_count_again()
    {
        // Two rejections, a success, two more rejections: never three in a row, so no pause.
        var verdicts = Run(3, Rejected(), Rejected(), null, Rejected(), Rejected());

        Assert.Equal([1, 2, 0, 1, 2], verdicts.Select(v => v.ConsecutiveErrors));
        Assert.All(verdicts, v => Assert.Null(v.PauseReason));
        Assert.Equal(OutboxStatus.Sent, verdicts[2].Status);
    }

    [Fact]
    public void A_recipient_refusal_starts_the_count_again_and_marks_a_bounce_only_for_an_unknown_address()
    {
        var unknown = new DeliveryException(DeliveryFailureKind.RecipientRejected, "550 5.1.1 no such user", 550);
        var full = new DeliveryException(DeliveryFailureKind.RecipientRejected, "552 5.2.2 mailbox full", 552);

        var verdicts = Run(3, Rejected(), Rejected(), unknown, Rejected(), full);

        Assert.Equal([1, 2, 0, 1, 0], verdicts.Select(v => v.ConsecutiveErrors));
        Assert.True(verdicts[2].Bounced);
        Assert.False(verdicts[4].Bounced);
        Assert.Equal(OutboxStatus.Failed, verdicts[4].Status);
    }

    [Fact]
    public void A_temporary_failure_is_retried_and_leaves_the_count_as_it_was()
    {
        var later = new DeliveryException(DeliveryFailureKind.Temporary, "451 4.3.0 try later", 451);

        var verdicts = Run(3, Rejected(), later, Rejected(), Rejected());

        Assert.Equal((OutboxStatus.Deferred, true, true), (verdicts[1].Status, verdicts[1].Temporary, verdicts[1].CountAttempt));
        Assert.Equal([1, 1, 2, 3], verdicts.Select(v => v.ConsecutiveErrors));
        Assert.NotNull(verdicts[3].PauseReason);
    }

    [Fact]
    public void A_configuration_fault_pauses_at_once_and_keeps_the_message_without_spending_an_attempt()
    {
        var auth = new DeliveryException(DeliveryFailureKind.Configuration, "535 5.7.8 authentication failed", 535);

        var verdict = FailurePolicy.Judge(auth, 0, 20);

        Assert.Equal((OutboxStatus.Deferred, true, false), (verdict.Status, verdict.Temporary, verdict.CountAttempt));
        Assert.Equal("535 5.7.8 authentication failed", verdict.PauseReason);
    }
}
