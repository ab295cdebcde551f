using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Newsletter.Core.Diagnostics;

/// <summary>
/// The application's metrics, on the <see cref="Meter"/> called <see cref="MeterName"/>: plain
/// <c>System.Diagnostics.Metrics</c> instruments, so Core depends on no exporter. <c>serve</c> exports them in Prometheus
/// format on <c>/metrics</c> when <c>Metrics:Enabled</c> is on; with no listener every call costs a flag test.
/// </summary>
/// <remarks>
/// Labels: <c>campaign</c> is the campaign id, <c>domain</c> the recipient's domain — the first
/// <see cref="MaxDomains"/> distinct domains by name, the rest as <c>other</c>, so a list of a million addresses cannot
/// make a million time series.
/// </remarks>
public static class NewsletterMetrics
{
    public const string MeterName = "Newsletter";

    /// <summary>Distinct domain labels per process before further domains are counted as <c>other</c>.</summary>
    public const int MaxDomains = 100;

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, string> Domains = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<long, Func<long>> Queues = new();

    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("newsletter.messages", "{message}",
        "Delivery outcomes by campaign, recipient domain and outcome (sent, deferred, failed, skipped).");

    private static readonly Histogram<double> SendDuration = Meter.CreateHistogram("newsletter.message.send.duration", "s",
        "Time to hand one message to the transport: the SMTP transaction (MAIL … end of data) or the pickup file.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static readonly Counter<long> Claimed = Meter.CreateCounter<long>("newsletter.outbox.claimed", "{message}",
        "Outbox rows claimed (leased) by this process's senders, by campaign.");

    private static readonly Counter<long> Claims = Meter.CreateCounter<long>("newsletter.outbox.claims", "{claim}",
        "Claim statements run by this process's senders, by campaign.");

    private static readonly Counter<long> Bounces = Meter.CreateCounter<long>("newsletter.bounces", "{report}",
        "Bounce and complaint reports processed and stored, by kind (bounce, complaint) and class.");

    private static readonly Counter<long> ImportRows = Meter.CreateCounter<long>("newsletter.import.rows", "{row}",
        "Subscriber import rows by outcome (imported, updated, unchanged, rejected, suppressed).");

    static NewsletterMetrics() =>
        Meter.CreateObservableGauge("newsletter.outbox.pending", ObservePending, "{message}",
            "Messages still to go (pending or deferred) of the campaigns this process is sending, by campaign.");

    /// <summary>Counts one delivery outcome.</summary>
    public static void Outcome(string campaign, string email, string outcome)
    {
        if (Messages.Enabled)
        {
            Messages.Add(1, new KeyValuePair<string, object?>("campaign", campaign), new KeyValuePair<string, object?>("domain", DomainOf(email)),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Records how long handing one message over took, from <see cref="Stopwatch.GetTimestamp"/> <paramref name="started"/>.</summary>
    public static void MessageSent(string campaign, long started)
    {
        if (SendDuration.Enabled)
        {
            SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("campaign", campaign));
        }
    }

    /// <summary>Counts one claim of <paramref name="rows"/> outbox rows.</summary>
    public static void Claim(string campaign, int rows)
    {
        var tag = new KeyValuePair<string, object?>("campaign", campaign);
        Claims.Add(1, tag);
        Claimed.Add(rows, tag);
    }

    /// <summary>Counts one stored bounce or complaint report.</summary>
    public static void Bounce(string kind, string bounceClass) =>
        Bounces.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("class", bounceClass));

    /// <summary>Counts the rows of one import by outcome.</summary>
    public static void Import(int imported, int updated, int unchanged, int rejected, int suppressed)
    {
        foreach (var (outcome, rows) in new[] { ("imported", imported), ("updated", updated), ("unchanged", unchanged), ("rejected", rejected), ("suppressed", suppressed) })
        {
            if (rows > 0)
            {
                ImportRows.Add(rows, new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    /// <summary>
    /// Reports <paramref name="remaining"/> as campaign <paramref name="campaignId"/>'s <c>newsletter.outbox.pending</c>
    /// until the returned handle is disposed (the end of the run).
    /// </summary>
    public static IDisposable TrackQueue(long campaignId, Func<long> remaining)
    {
        Queues[campaignId] = remaining;
        return new QueueRegistration(campaignId, remaining);
    }

    private static IEnumerable<Measurement<long>> ObservePending() =>
        [.. Queues.Select(q => new Measurement<long>(q.Value(), new KeyValuePair<string, object?>("campaign", q.Key.ToString(CultureInfo.InvariantCulture))))];

    private static string DomainOf(string email)
    {
        var at = email.LastIndexOf('@');
        var domain = at < 0 ? "" : email[(at + 1)..];
        if (Domains.TryGetValue(domain, out var label))
        {
            return label;
        }
        // Past the bound nothing is added, so the map does not grow with the list. A benign race may let a few more
        // than MaxDomains in: a bound, not an exact count.
        return Domains.Count < MaxDomains ? Domains.GetOrAdd(domain, domain.ToLowerInvariant()) : "other";
    }

    private sealed class QueueRegistration(long campaignId, Func<long> remaining) : IDisposable
    {
        public void Dispose() => Queues.TryRemove(new KeyValuePair<long, Func<long>>(campaignId, remaining));
    }
}
