using FluentValidation;
using Newsletter.Core;

namespace Newsletter.Web;

/// <summary>
/// Settings of the web admin, bound from the section <c>Web</c> (<c>NEWSLETTER_Web__LockoutThreshold</c>, …) and checked
/// at start by <see cref="WebOptionsValidator"/>.
/// </summary>
public sealed record WebOptions
{
    /// <summary>Failed sign-ins in a row before the account locks; default 5 (1–100).</summary>
    public int LockoutThreshold { get; init; } = 5;

    /// <summary>How long a locked account stays locked; default 15 minutes (1 second–1 day). When it ends, the failure count starts again.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed sign-ins from one client address (IPv4, or an IPv6 /64) per <see cref="ClientSignInWindow"/>, whatever the logins; default 20 (1–10000).</summary>
    public int ClientSignInLimit { get; init; } = 20;

    /// <summary>The window of <see cref="ClientSignInLimit"/>; default 15 minutes (1 minute–1 day).</summary>
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

    /// <summary>How long a sign-in lasts without activity; default 8 hours (sliding; 5 minutes–30 days).</summary>
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

    /// <summary>
    /// Where web imports keep their files — a list waiting for its column mapping, the rejects file to download — for
    /// 7 days; default <c>imports</c> in the home (a relative path is relative to the home).
    /// </summary>
    public string ImportsDirectory { get; init; } = "imports";

    /// <summary>Test-send messages one signed-in user may send per rolling hour (counted in the test-send log); default 20 (1–1000).</summary>
    public int TestSendsPerHour { get; init; } = 20;

    /// <summary>
    /// The domains an editor may send test messages to (comma-separated; subdomains included). Empty (the default): the
    /// From address's domain and the domains of the active members of the <c>test-recipients</c> segment. Admins may send anywhere.
    /// </summary>
    public string? TestSendDomains { get; init; }

    /// <summary>The time zone shown and used for scheduling; default <c>Asia/Shanghai</c> (北京时间).</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

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

/// <summary>The bounds of <see cref="WebOptions"/>, checked once when the web is composed (see <see cref="SettingsBinder"/>).</summary>
public sealed class WebOptionsValidator : AbstractValidator<WebOptions>
{
    public WebOptionsValidator()
    {
        RuleFor(o => o.LockoutThreshold).Within(1, 100);
        RuleFor(o => o.LockoutDuration).Within(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        RuleFor(o => o.ClientSignInLimit).Within(1, 10_000);
        RuleFor(o => o.ClientSignInWindow).Within(TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        RuleFor(o => o.SessionLifetime).Within(TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));
        RuleFor(o => o.MaxUploadBytes).Within(1024, Core.InputLimits.MaxUploadBytes);
        RuleFor(o => o.UploadRetention).AtLeast(TimeSpan.Zero);
        RuleFor(o => o.TestSendsPerHour).Within(1, 1000);
        RuleFor(o => o.IssuesDirectory).NotEmpty().WithMessage(_ => Core.Localization.Texts.Format("core.settings.folder", "issues"));
        RuleFor(o => o.ImportsDirectory).NotEmpty().WithMessage(_ => Core.Localization.Texts.Format("core.settings.folder", "imports"));
        RuleFor(o => o.DataProtectionKey).Must(key => key.Length is 0 or >= 16)
            .WithMessage(_ => Core.Localization.Texts.Get("core.settings.metrics_token"));
        RuleFor(o => o.KnownProxies).Must(proxies => Proxies(proxies).All(p => System.Net.IPNetwork.TryParse(p, out _) || System.Net.IPAddress.TryParse(p, out _)))
            .WithMessage(_ => Core.Localization.Texts.Get("core.settings.known_proxies"));
    }

    /// <summary>The entries of <see cref="WebOptions.KnownProxies"/>.</summary>
    internal static string[] Proxies(string knownProxies) =>
        knownProxies.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
