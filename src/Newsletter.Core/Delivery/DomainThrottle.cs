using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Newsletter.Core.Delivery;

/// <summary>
/// <see cref="DeliveryOptions.MessagesPerSecondPerDomain"/>: one token bucket per recipient domain. A row whose
/// domain's token is not due yet is parked — put back into the queue when it is — so a worker never waits for one
/// domain, and a domain held back by its limit holds back no other.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class DomainThrottle(double perDomain, TimeProvider time)
{
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, bool> _reserved = new();   // outbox row ids parked with their token
    private int _parked;

    /// <summary>Rows parked now, waiting for their domain's token.</summary>
    public int Parked => Volatile.Read(ref _parked);

    /// <summary>
    /// Reserves the row's token of its recipient domain; when it is not due yet, parks the row until it is (then
    /// writes it to <paramref name="queue"/>, and it comes back here with its token already reserved) and returns true.
    /// </summary>
    /// <param name="stopped">Called when the run stopped while the row was parked: the row is not queued again.</param>
    public bool TryPark(OutboxEntry entry, ChannelWriter<OutboxEntry> queue, Action stopped, CancellationToken stopping)
    {
        if (perDomain <= 0 || _reserved.TryRemove(entry.Id, out _))
        {
            return false;
        }
        var wait = Bucket(entry.Email).Reserve();
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }
        _reserved[entry.Id] = true;
        Interlocked.Increment(ref _parked);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(wait, time, stopping);
                await queue.WriteAsync(entry, stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
            {
                stopped();
            }
            finally
            {
                Interlocked.Decrement(ref _parked);
            }
        }, CancellationToken.None);
        return true;
    }

    private TokenBucket Bucket(string email)
    {
        var domain = email[(email.LastIndexOf('@') + 1)..];
        lock (_buckets)
        {
            if (!_buckets.TryGetValue(domain, out var bucket))
            {
                bucket = new TokenBucket(perDomain, time);
                _buckets[domain] = bucket;
            }
            return bucket;
        }
    }
}
