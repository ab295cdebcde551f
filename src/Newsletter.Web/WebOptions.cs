namespace Newsletter.Web;

/// <summary>Settings of the web admin, bound from the section <c>Web</c> (<c>NEWSLETTER_Web__LockoutThreshold</c>, …).</summary>
public sealed record WebOptions
{
    /// <summary>Failed sign-ins in a row before the account locks; default 5 (clamped to 1–100).</summary>
    public int LockoutThreshold { get; init; } = 5;

    /// <summary>How long a locked account stays locked; default 15 minutes (clamped to 1 minute–1 day).</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity; default 8 hours (sliding).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The largest upload (issue or subscriber list); default 20 MiB.</summary>
    public long MaxUploadBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>Where uploaded issue files are kept; default <c>issues</c> in the home (a relative path is relative to the home).</summary>
    public string IssuesDirectory { get; init; } = "issues";

    /// <summary>The time zone shown and used for scheduling; default <c>Asia/Shanghai</c> (北京时间).</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>The clamped settings.</summary>
    public WebOptions Normalized() => this with
    {
        LockoutThreshold = Math.Clamp(LockoutThreshold, 1, 100),
        LockoutDuration = TimeSpan.FromTicks(Math.Clamp(LockoutDuration.Ticks, TimeSpan.FromMinutes(1).Ticks, TimeSpan.FromDays(1).Ticks)),
        SessionLifetime = TimeSpan.FromTicks(Math.Clamp(SessionLifetime.Ticks, TimeSpan.FromMinutes(5).Ticks, TimeSpan.FromDays(30).Ticks)),
        MaxUploadBytes = Math.Clamp(MaxUploadBytes, 1024, 512L * 1024 * 1024),
    };

    /// <summary>The configured zone, or UTC+8 when the system does not know it.</summary>
    public TimeZoneInfo ResolveTimeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
        }
    }
}
