using System.Collections.Concurrent;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Campaigns;

/// <summary>
/// The measured send rate of running campaigns, from what their live page saw at each refresh: messages done (sent,
/// failed, skipped — read from the outbox) over the last half minute, and the ETA at that rate. Unknown ("—") until
/// two looks at a campaign are apart in time; never guessed from settings.
/// </summary>
public sealed class LiveRates(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, SendRateMeter> _meters = new();

    /// <summary>Records that <paramref name="done"/> messages of the campaign are done; returns the rate and the time <paramref name="remaining"/> still need.</summary>
    public (double? PerSecond, TimeSpan? Eta) Observe(long campaignId, long done, long remaining)
    {
        var meter = _meters.GetOrAdd(campaignId, _ => new SendRateMeter(time, Window));
        lock (meter)
        {
            meter.Add(done);
            return (meter.PerSecond, meter.Eta(remaining));
        }
    }

    /// <summary>Forgets a campaign that no longer sends.</summary>
    public void Forget(long campaignId) => _meters.TryRemove(campaignId, out _);
}
