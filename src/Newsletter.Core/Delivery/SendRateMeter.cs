namespace Newsletter.Core.Delivery;

/// <summary>
/// The rate of a send and the time it still needs, from samples of how many messages are done: messages per second
/// over the last <c>window</c> (a moving window, so a pause or a slow relay shows at once instead of being averaged away
/// over the whole run), and the remaining messages at that rate.
/// </summary>
public sealed class SendRateMeter(TimeProvider time, TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, long Done)> _samples = new();

    /// <summary>Records that <paramref name="done"/> messages are done now.</summary>
    public void Add(long done)
    {
        var now = time.GetUtcNow();
        _samples.Enqueue((now, done));
        // Keep one sample older than the window, so the window is always spanned once it has been.
        while (_samples.Count > 2 && now - _samples.ElementAt(1).At >= window)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Messages per second over the window; null until two samples at different times exist.</summary>
    public double? PerSecond
    {
        get
        {
            if (_samples.Count < 2)
            {
                return null;
            }
            var (firstAt, firstDone) = _samples.Peek();
            var (lastAt, lastDone) = _samples.Last();
            var seconds = (lastAt - firstAt).TotalSeconds;
            return seconds <= 0 ? null : Math.Max(0, lastDone - firstDone) / seconds;
        }
    }

    /// <summary>How long <paramref name="remaining"/> messages take at <see cref="PerSecond"/>; null while the rate is unknown or zero.</summary>
    public TimeSpan? Eta(long remaining) =>
        remaining <= 0 ? TimeSpan.Zero
        : PerSecond is > 0 and var rate ? TimeSpan.FromSeconds(Math.Ceiling(remaining / rate)) : null;

    /// <summary>"1,234/s" and "ETA 0:02:05" (or "—" while unknown), as the CLI and the web admin show them.</summary>
    public static string FormatRate(double? perSecond) =>
        perSecond is { } r ? (r >= 10 ? r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : r.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)) + "/s" : "—";

    /// <inheritdoc cref="FormatRate"/>
    public static string FormatEta(TimeSpan? eta) =>
        eta is { } e ? ((int)e.TotalHours).ToString(System.Globalization.CultureInfo.InvariantCulture) + e.ToString(@"\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
