namespace Newsletter.Web;

/// <summary>Settings of the web admin, bound from the section <c>Web</c> (<c>NEWSLETTER_Web__LockoutThreshold</c>, …).</summary>
public sealed record WebOptions
{
    /// <summary>Failed sign-ins in a row before the account locks; default 5 (clamped to 1–100).</summary>
    public int LockoutThreshold { get; init; } = 5;

    /// <summary>How long a locked account stays locked; default 15 minutes (clamped to 1 second–1 day). When it ends, the failure count starts again.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed sign-ins from one client address (IPv4, or an IPv6 /64) per <see cref="ClientSignInWindow"/>, whatever the logins; default 20 (clamped to 1–10000).</summary>
    public int ClientSignInLimit { get; init; } = 20;

    /// <summary>The window of <see cref="ClientSignInLimit"/>; default 15 minutes (clamped to 1 minute–1 day).</summary>
    public TimeSpan ClientSignInWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed: addresses or CIDR networks,
    /// separated by ',' or ';'. Default empty: loopback only (a proxy on this machine, e.g. nginx).
    /// </summary>
    public string KnownProxies { get; init; } = "";

    /// <summary>
    /// The key the data-protection keys (cookies, antiforgery) are encrypted with in the database: at least 16
    /// characters of random text. Default empty: generated once and kept in the database (<c>app_secrets</c>).
    /// </summary>
    public string DataProtectionKey { get; init; } = "";

    /// <summary>How long a sign-in lasts without activity; default 8 hours (sliding).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The largest upload (issue or subscriber list); default and upper bound <see cref="Core.InputLimits.MaxUploadBytes"/>
    /// (16 MiB), the limit the issue loader and the XLSX reader keep, so the web never accepts a file they refuse.
    /// </summary>
    public long MaxUploadBytes { get; init; } = Core.InputLimits.MaxUploadBytes;

    /// <summary>
    /// How long uploaded issue files are kept; default 90 days (0 keeps them for ever). Older uploads are deleted when the
    /// next issue is uploaded, unless a scheduled, running or paused campaign or a ready issue of the plans still names them.
    /// </summary>
    public TimeSpan UploadRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Where uploaded issue files are kept; default <c>issues</c> in the home (a relative path is relative to the home).</summary>
    public string IssuesDirectory { get; init; } = "issues";

    /// <summary>Test-send messages one signed-in user may send per rolling hour (counted in the test-send log); default 20 (clamped to 1–1000).</summary>
    public int TestSendsPerHour { get; init; } = 20;

    /// <summary>
    /// The domains an editor may send test messages to (comma-separated; subdomains included). Empty (the default): the
    /// From address's domain and the domains of the active members of the <c>test-recipients</c> segment. Admins may send anywhere.
    /// </summary>
    public string? TestSendDomains { get; init; }

    /// <summary>The time zone shown and used for scheduling; default <c>Asia/Shanghai</c> (北京时间).</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>The clamped settings.</summary>
    public WebOptions Normalized() => this with
    {
        LockoutThreshold = Math.Clamp(LockoutThreshold, 1, 100),
        LockoutDuration = TimeSpan.FromTicks(Math.Clamp(LockoutDuration.Ticks, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromDays(1).Ticks)),
        ClientSignInLimit = Math.Clamp(ClientSignInLimit, 1, 10_000),
        ClientSignInWindow = TimeSpan.FromTicks(Math.Clamp(ClientSignInWindow.Ticks, TimeSpan.FromMinutes(1).Ticks, TimeSpan.FromDays(1).Ticks)),
        SessionLifetime = TimeSpan.FromTicks(Math.Clamp(SessionLifetime.Ticks, TimeSpan.FromMinutes(5).Ticks, TimeSpan.FromDays(30).Ticks)),
        MaxUploadBytes = Math.Clamp(MaxUploadBytes, 1024, Core.InputLimits.MaxUploadBytes),
        UploadRetention = UploadRetention < TimeSpan.Zero ? TimeSpan.Zero : UploadRetention,
        TestSendsPerHour = Math.Clamp(TestSendsPerHour, 1, 1000),
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
