using System.Net;
using System.Text;
using Newsletter.Core.Archive;
using Newsletter.Core.Composition;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Archive;

/// <summary>
/// What keeps the 往期 archive internal and what it adds to sent HTML: the no-index marks (header and meta), the
/// placeholders staff see in a variant as sent, and the reader's list of the other issues they received on <c>/v</c>.
/// </summary>
public static class ArchiveHtml
{
    /// <summary>The <c>X-Robots-Tag</c> of every archive page and web view: not indexed, links not followed.</summary>
    public const string NoIndex = "noindex, nofollow";

    /// <summary>The same as a meta element, for crawlers that read the page but not the header.</summary>
    public const string NoIndexMeta = "<meta name=\"robots\" content=\"" + NoIndex + "\">";

    /// <summary>
    /// The recipient values of a variant shown to staff: the stored HTML with visible placeholders where each reader's
    /// salutation, name and address went, no working unsubscribe link, and the contents' anchors kept working (as in previews).
    /// </summary>
    public static RecipientValues Placeholders { get; } = new("〔称呼〕", "〔姓名〕", "〔收件人邮箱〕", "#unsubscribe", "");

    /// <summary>Marks the response not to be indexed (<see cref="NoIndex"/>).</summary>
    public static void MarkNoIndex(HttpResponse response) => response.Headers["X-Robots-Tag"] = NoIndex;

    /// <summary><paramref name="html"/> with <see cref="NoIndexMeta"/> first in its head (or first of all when it has none).</summary>
    public static string WithNoIndexMeta(string html)
    {
        var head = html.IndexOf("<head", StringComparison.OrdinalIgnoreCase);
        var end = head < 0 ? -1 : html.IndexOf('>', head);
        return end < 0 ? NoIndexMeta + html : html.Insert(end + 1, NoIndexMeta);
    }

    /// <summary><paramref name="html"/> with <paramref name="block"/> at the end of its body (or at the very end when it has no &lt;/body&gt;).</summary>
    public static string BeforeBodyEnd(string html, string block)
    {
        var end = html.LastIndexOf("</body", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? html + block : html.Insert(end, block);
    }

    /// <summary>
    /// The reader's "other issues" block for the web view: one link per issue, each signed for this reader and that
    /// issue by <paramref name="viewUrl"/>. Inline styles with explicit colours (the page is the e-mail's HTML and its CSP
    /// allows nothing else), legible in the mail's light and dark palettes. Every value is HTML-escaped.
    /// </summary>
    public static string ReaderList(IReadOnlyList<ReceivedIssue> issues, Func<long, string> viewUrl, UiText text, Display display)
    {
        var html = new StringBuilder(256 + issues.Count * 160);
        html.Append("<div id=\"nl-archive\" role=\"navigation\" aria-label=\"").Append(Encode(text["archive.reader_heading"]))
            .Append("\" style=\"max-width:600px;margin:0 auto;padding:16px 20px 28px;background-color:#ffffff;color:#1f2937;")
            .Append("font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:15px;line-height:1.7\">")
            .Append("<p style=\"margin:0 0 6px;font-weight:bold;color:#1f2937\">").Append(Encode(text["archive.reader_heading"])).Append("</p>")
            .Append("<ul style=\"margin:0;padding-left:20px\">");
        foreach (var issue in issues)
        {
            html.Append("<li><a href=\"").Append(Encode(viewUrl(issue.CampaignId))).Append("\" style=\"color:#1d4ed8\">")
                .Append(Encode(Label(issue.IssueKey, issue.Title))).Append("</a> <span style=\"color:#4b5563\">")
                .Append(Encode(display.Time(issue.DeliveredAt))).Append("</span></li>");
        }
        return html.Append("</ul></div>").ToString();
    }

    /// <summary>The title, with the 期号 in front unless the title (the default subject) names it already.</summary>
    public static string Label(string issueKey, string title) =>
        title.Contains(issueKey, StringComparison.Ordinal) ? title : $"{issueKey} · {title}";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
