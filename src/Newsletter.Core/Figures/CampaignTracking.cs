using System.Net;
using System.Text;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Figures;

/// <summary>Whether a campaign is tracked; declared here, implemented in Newsletter.Data.</summary>
public interface ICampaignTracking
{
    Task<bool> IsTrackedAsync(long campaignId, CancellationToken ct = default);

    /// <summary>Switches tracking of a campaign on or off; it applies to the messages sent from then on.</summary>
    Task SetAsync(long campaignId, bool tracked, CancellationToken ct = default);
}

/// <summary>
/// The HTML part of a tracked campaign's variant, split once per send at its trackable links (<see cref="TrackedLinks"/>):
/// per recipient only the click URLs, the pixel URL and the notice are put between the pieces. The text part is never
/// rewritten.
/// </summary>
public sealed class TrackedHtml
{
    private readonly string[] _pieces;   // literal HTML around the links' href values, then the tail after </body>'s insertion point
    private readonly string _tail;

    private TrackedHtml(string[] pieces, string tail) => (_pieces, _tail) = (pieces, tail);

    /// <summary>The number of links redirected.</summary>
    public int Links => _pieces.Length - 1;

    /// <param name="notice">HTML put before the pixel at the end of the body: the sentence saying reading is measured.</param>
    public static TrackedHtml Prepare(string html, string notice)
    {
        const string Split = "\u0000";
        var marked = TrackedLinks.Rewrite(html, n => n <= TrackingTokens.MaxLinks ? Split : null);
        var body = marked.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        var (head, tail) = body < 0 ? (marked, "") : (marked[..body], marked[body..]);
        var pieces = head.Split(Split);
        pieces[^1] += notice;
        return new TrackedHtml(pieces, tail);
    }

    /// <summary>The recipient's HTML (still with its slot markers): link n goes to <paramref name="clickUrl"/>(n).</summary>
    public string Render(Func<int, string> clickUrl, string pixelUrl)
    {
        var html = new StringBuilder(_pieces.Sum(p => p.Length) + _pieces.Length * 120 + _tail.Length + 200);
        for (var i = 0; i < _pieces.Length; i++)
        {
            if (i > 0) html.Append(WebUtility.HtmlEncode(clickUrl(i)));
            html.Append(_pieces[i]);
        }
        html.Append("<img src=\"").Append(WebUtility.HtmlEncode(pixelUrl))
            .Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\">");
        return html.Append(_tail).ToString();
    }
}

/// <summary>
/// Issue 21: prepares a campaign's variants for tracking when the campaign is tracked, and makes each recipient's HTML
/// part: click redirects <c>{PublicBaseUrl}/c/{token}</c>, the open pixel <c>{PublicBaseUrl}/o/{token}</c> and the notice
/// read from <c>templates/partials/tracking-notice.html</c>.
/// </summary>
public sealed class TrackingRenderer(ICampaignTracking campaigns, TrackingTokens tokens, PublicOptions publicOptions, TemplateOptions templates)
{
    /// <summary>Used when the template folder has no <c>partials/tracking-notice.html</c>.</summary>
    public const string DefaultNotice =
        "<div class=\"nl-tracking-notice\" style=\"font-size:12px;line-height:1.6;color:#888888;text-align:center;padding:8px 16px 16px\">" +
        "本期邮件统计阅读情况：打开邮件时会加载一个统计图片，正文链接经本所网站跳转后打开。不记录 IP 地址和浏览器信息。</div>";

    private readonly string _base = publicOptions.PublicBaseUrl.TrimEnd('/');

    /// <summary>The variants' tracked HTML by variant key, or null when the campaign is not tracked.</summary>
    public async Task<IReadOnlyDictionary<string, TrackedHtml>?> PrepareAsync(long campaignId, IEnumerable<ComposedVariant> variants, CancellationToken ct)
    {
        if (!await campaigns.IsTrackedAsync(campaignId, ct)) return null;
        var notice = Notice();
        return variants.ToDictionary(v => v.Key, v => TrackedHtml.Prepare(v.Html.Source, notice), StringComparer.Ordinal);
    }

    /// <summary><paramref name="variant"/> with the recipient's tracked HTML part (the text part as it is).</summary>
    public ComposedVariant ForRecipient(ComposedVariant variant, TrackedHtml html, long subscriberId, long campaignId) =>
        variant with
        {
            Html = SlotTemplate.Parse(html.Render(n => $"{_base}/c/{tokens.Click(subscriberId, campaignId, n)}", $"{_base}/o/{tokens.Open(subscriberId, campaignId)}")),
        };

    private string Notice()
    {
        var path = Path.Combine(templates.Directory, "partials", "tracking-notice.html");
        try
        {
            return File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8).Trim() : DefaultNotice;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DefaultNotice;
        }
    }
}
