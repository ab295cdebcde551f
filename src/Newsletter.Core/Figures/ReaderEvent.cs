namespace Newsletter.Core.Figures;

/// <summary>What a reader did.</summary>
public enum ReaderEventKind
{
    /// <summary>Opened the message's web view (<c>/v/{token}</c>).</summary>
    WebView,

    /// <summary>The open pixel was fetched (tracked campaigns only).</summary>
    Open,

    /// <summary>Followed a link through <c>/c/{token}</c> (tracked campaigns only).</summary>
    Click,

    /// <summary>Unsubscribed (one-click, the page, a mailed request, or an admin on their behalf).</summary>
    Unsubscribe,
}

/// <summary>
/// One reader event, as stored: which recipient (campaign, outbox row, subscriber), what, when. Never an IP address or a
/// user agent: at most the coarse <see cref="Client"/> family of an open.
/// </summary>
/// <param name="CampaignId">Null for an unsubscribe that came through no campaign's link.</param>
/// <param name="OutboxId">The recipient's outbox row; null for an unsubscribe outside a campaign.</param>
/// <param name="Link">A click's link number in the variant's HTML, from 1.</param>
/// <param name="Source">An unsubscribe's channel: <see cref="UnsubscribeSources"/>.</param>
/// <param name="Client">An open's client family: <see cref="ClientFamily"/>.</param>
public sealed record ReaderEvent(long? CampaignId, long? OutboxId, long? SubscriberId, ReaderEventKind Kind, DateTimeOffset At,
    int? Link = null, string? Source = null, string? Client = null)
{
    public static string Word(ReaderEventKind kind) => kind switch
    {
        ReaderEventKind.WebView => "webview",
        ReaderEventKind.Open => "open",
        ReaderEventKind.Click => "click",
        ReaderEventKind.Unsubscribe => "unsubscribe",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>The channels an unsubscribe is recorded with; the figures count the reader's own (all but <see cref="Admin"/>).</summary>
public static class UnsubscribeSources
{
    public const string OneClick = "one-click";
    public const string Page = "page";
    public const string Mailed = "mailed";
    public const string Admin = "admin";

    /// <summary>
    /// The channel and campaign of an <c>ISubscriberStore.UnsubscribeAsync</c> source text: <c>one-click:campaign-7</c>,
    /// <c>page:campaign-7</c>, <c>mailto:campaign-7</c>, <c>complaint opt-out</c> (a mailed request), anything else an admin.
    /// </summary>
    public static (string Source, long? CampaignId) Parse(string text)
    {
        var colon = text.IndexOf(":campaign-", StringComparison.Ordinal);
        var head = colon < 0 ? text : text[..colon];
        long? campaign = colon >= 0 && long.TryParse(text.AsSpan(colon + ":campaign-".Length), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
        var source = head switch
        {
            "one-click" => OneClick,
            "page" => Page,
            "mailto" or "complaint opt-out" => Mailed,
            _ => Admin,
        };
        return (source, campaign);
    }
}

/// <summary>
/// The coarse family of the client that fetched an open pixel, decided from the User-Agent at request time (the agent
/// itself is never stored). Image proxies fetch pictures without a person reading: Apple Mail Privacy Protection loads
/// every message's images when it arrives, so its opens say nothing; Gmail's and Yahoo's proxies fetch when the
/// message is shown but hide the reader. Their opens are counted apart from <see cref="Other"/>.
/// </summary>
public static class ClientFamily
{
    public const string GmailProxy = "gmail-proxy";
    public const string AppleProxy = "apple-proxy";
    public const string YahooProxy = "yahoo-proxy";
    public const string Other = "other";

    public static bool IsProxy(string? family) => family is GmailProxy or AppleProxy or YahooProxy;

    /// <summary>
    /// <c>GoogleImageProxy</c> → Gmail; <c>YahooMailProxy</c> → Yahoo; the bare <c>Mozilla/5.0</c> Apple's MPP fetches
    /// with (no platform, no engine: no real mail client or browser sends that) → Apple; everything else → other.
    /// </summary>
    public static string Classify(string? userAgent)
    {
        var agent = (userAgent ?? "").Trim();
        if (agent.Contains("GoogleImageProxy", StringComparison.OrdinalIgnoreCase)) return GmailProxy;
        if (agent.Contains("YahooMailProxy", StringComparison.OrdinalIgnoreCase)) return YahooProxy;
        if (agent.Equals("Mozilla/5.0", StringComparison.Ordinal)) return AppleProxy;
        return Other;
    }
}
