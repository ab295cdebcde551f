namespace Newsletter.Core.Delivery;

/// <summary>
/// A token bucket: <c>rate</c> tokens per second, bursts up to one second's worth. Thread-safe.
/// A rate of 0 means unlimited.
/// </summary>
public sealed class TokenBucket(double rate, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly double _capacity = Math.Max(1, rate);
    private double _tokens = Math.Max(1, rate);
    private long _last = time.GetTimestamp();

    /// <summary>
    /// Takes a token now, going into debt when none is left, and returns how long the caller must wait before using it
    /// (zero when one was available). Later callers queue behind the debt, so the rate holds without anyone blocking.
    /// </summary>
    public TimeSpan Reserve()
    {
        if (rate <= 0)
        {
            return TimeSpan.Zero;
        }
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * rate) - 1;
            _last = now;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / rate);
        }
    }

    /// <summary>Takes a token if one is available now; false (and nothing taken) otherwise.</summary>
    public bool TryTake()
    {
        if (rate <= 0)
        {
            return true;
        }
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * rate);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Waits until a token is available and takes it.</summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        if (rate <= 0)
        {
            return;
        }
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * rate);
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }
                wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
            }
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
