using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static readonly DeliveryOptions Options = new()
    {
        RetryBaseDelay = TimeSpan.FromMinutes(1), MaxAttempts = 5, MaxRetryAge = TimeSpan.FromHours(1),
    };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    public void Without_jitter_the_delay_doubles_with_each_attempt(int attempts, int minutes)
    {
        var policy = new RetryPolicy(Options, () => 0.5);   // 0.8 + 0.4 × 0.5 = exactly 1
        Assert.Equal(Start + TimeSpan.FromMinutes(minutes), policy.NextAttempt(attempts, Start, Start));
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(1.0, 1.2)]
    public void Jitter_stays_within_twenty_percent(double random, double factor)
    {
        var policy = new RetryPolicy(Options, () => random);
        var next = policy.NextAttempt(3, Start, Start)!.Value;
        Assert.Equal(TimeSpan.FromMinutes(4 * factor).TotalMilliseconds, (next - Start).TotalMilliseconds, 1);
    }

    [Fact]
    public void Real_jitter_spreads_retries_of_one_attempt()
    {
        var policy = new RetryPolicy(Options);
        var delays = Enumerable.Range(0, 200).Select(_ => (policy.NextAttempt(2, Start, Start)!.Value - Start).TotalSeconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 96, 144));
        Assert.True(delays.Distinct().Count() > 50, "jitter must vary");
    }

    [Fact]
    public void Gives_up_after_max_attempts()
    {
        var policy = new RetryPolicy(Options, () => 0.5);
        Assert.NotNull(policy.NextAttempt(4, Start, Start));
        Assert.Null(policy.NextAttempt(5, Start, Start));
    }

    [Fact]
    public void Gives_up_when_the_first_attempt_is_older_than_max_retry_age_and_never_schedules_past_it()
    {
        var policy = new RetryPolicy(Options with { MaxAttempts = 50 }, () => 0.5);
        Assert.Null(policy.NextAttempt(2, Start, Start + TimeSpan.FromHours(1)));
        // 2^9 minutes would be far past the hour: the last retry is at the deadline.
        Assert.Equal(Start + TimeSpan.FromHours(1), policy.NextAttempt(10, Start, Start + TimeSpan.FromMinutes(50)));
    }
}
