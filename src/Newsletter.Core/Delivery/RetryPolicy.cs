namespace Newsletter.Core.Delivery;

/// <summary>
/// When a temporarily failed message is tried again: exponential backoff from <see cref="DeliveryOptions.RetryBaseDelay"/>
/// with ±20 % jitter, until <see cref="DeliveryOptions.MaxAttempts"/> or <see cref="DeliveryOptions.MaxRetryAge"/>.
/// </summary>
public sealed class RetryPolicy(DeliveryOptions options, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <summary>The next attempt time after the attempt numbered <paramref name="attempts"/> (1-based) failed, or null to give up.</summary>
    public DateTimeOffset? NextAttempt(int attempts, DateTimeOffset firstAttemptAt, DateTimeOffset now)
    {
        if (attempts >= options.MaxAttempts || now - firstAttemptAt >= options.MaxRetryAge)
        {
            return null;
        }
        var exponent = Math.Min(attempts - 1, 20);
        var delay = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        delay *= 0.8 + 0.4 * _random();
        var next = now + TimeSpan.FromMilliseconds(delay);
        return next - firstAttemptAt > options.MaxRetryAge ? firstAttemptAt + options.MaxRetryAge : next;
    }
}
