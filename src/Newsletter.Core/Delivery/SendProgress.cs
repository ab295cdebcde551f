namespace Newsletter.Core.Delivery;

/// <summary>Running totals of one send run, reported as messages are recorded.</summary>
public sealed record SendProgress(int Sent, int Deferred, int Failed, int Skipped)
{
    public int Done => Sent + Failed + Skipped;
}

/// <summary>How a send run ended.</summary>
/// <param name="Paused">The reason when the error threshold or a configuration fault paused the campaign.</param>
public sealed record SendSummary(Campaign Campaign, IReadOnlyList<VariantCounts> Counts, string? Paused)
{
    public int Remaining => Counts.Sum(c => c.Pending + c.Deferred);

    /// <summary>
    /// The reason the caller stopped the run (e.g. Ctrl-C) when it asked for a stopped run to pause the campaign and
    /// messages remained; null otherwise.
    /// </summary>
    public string? Interrupted { get; init; }

    /// <summary>
    /// True when no run was started because this process is sending the campaign already: the counts are a snapshot,
    /// and the run under way reports how it ends.
    /// </summary>
    public bool AlreadyRunning { get; init; }
}
