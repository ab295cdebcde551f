namespace Newsletter.Core.Figures;

/// <summary>
/// Settings section <c>Tracking</c>: whether messages carry an open pixel and click redirects, and how long reader events
/// are kept. Web-view hits and unsubscribes are recorded whatever <see cref="Enabled"/> says: they are the reader's own
/// requests to our server, not measurement added to the message.
/// </summary>
public sealed record TrackingOptions
{
    /// <summary>
    /// Track every new campaign (open pixel, click redirects through <c>/c/{token}</c>); default false. A campaign can be
    /// tracked on its own with <c>publish --tracking</c> or the checkbox on the web; the choice is stored with the campaign.
    /// </summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// Days after a campaign's first send when its reader events are deleted and its figures kept as totals per segment;
    /// default 180 (clamped to 7 … 3650: the 7-day unsubscribe window must be complete before it is frozen).
    /// </summary>
    public int RetentionDays { get; init; } = 180;

    /// <summary>How often <c>serve</c> looks for campaigns to prune; default 1 hour (clamped to 1 minute … 1 day).</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromHours(1);

    public TrackingOptions Clamped() => this with
    {
        RetentionDays = Math.Clamp(RetentionDays, 7, 3650),
        PruneInterval = PruneInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1)
            : PruneInterval > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : PruneInterval,
    };

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}
