using System.Net;
using System.Text.RegularExpressions;
using ExcelDataReader;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Core.Figures;
using Newsletter.Testing;

namespace Newsletter.Web.Tests.Campaigns;

/// <summary>
/// Issue 21: a campaign sent to two segments (pickup folder), then scripted web views, unsubscribes, opens and clicks
/// through the real endpoints: the figures per segment equal what happened; the HTML carries a pixel and redirects only
/// when the campaign is tracked; click tokens that are altered, foreign or name no link answer 404.
/// </summary>
public sealed partial class FiguresTests
{
    private const string FirstLink = "https://www.xcsti.example.org/articles/1?from=bulletin&id=7";
    private const string SecondLink = "https://data.example.org/report";

    private static async Task<(WebApp App, Campaign Campaign, Dictionary<string, MimeMessage> Messages)> SendAsync(bool tracking)
    {
        var app = await WebApp.StartAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        foreach (var (segment, n) in new[] { ("municipal", 3), ("county", 2) })
        {
            for (var i = 0; i < n; i++) await app.AddSubscriberAsync($"{segment}{i}-{run}@xuchang.example.org", $"王{segment}{i}", segment);
        }
        // The sample issue with two links in its first article.
        var source = (await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md")))
            .Replace("#### 引进科研平台", $"[阅读原文]({FirstLink})　[数据来源]({SecondLink})\n\n#### 引进科研平台", StringComparison.Ordinal);
        var upload = await app.Services.GetRequiredService<Issues.UploadedIssueStore>().AddAsync($"figures-{run}.md",
            System.Text.Encoding.UTF8.GetBytes(source), "figures", WebApp.AdminLogin, CancellationToken.None);
        var campaign = (await app.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["municipal", "county"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(1))).Campaign;
        if (tracking) await app.Services.GetRequiredService<ICampaignTracking>().SetAsync(campaign.Id, true);
        var summary = await app.Services.GetRequiredService<CampaignSender>().RunAsync(campaign.Id, TimeSpan.Zero, null, null, CancellationToken.None);
        Assert.Equal(5, summary.Counts.Sum(c => c.Sent));
        var messages = Directory.GetFiles(Path.Combine(app.Folder, "outbox", campaign.BatchName), "*.eml")
            .Select(f => MimeMessage.Load(f)).ToDictionary(m => m.To.Mailboxes.Single().Address.Split('-')[0], m => m);
        Assert.Equal(5, messages.Count);
        return (app, campaign, messages);
    }

    private static string Url(MimeMessage message, string path) =>
        WebUtility.HtmlDecode(Regex.Match(message.HtmlBody ?? "", $"(?:href|src)=\"(http://127\\.0\\.0\\.1:\\d+{path}[^\"]+)\"").Groups[1].Value) is { Length: > 0 } url
            ? new Uri(url).PathAndQuery : throw new Xunit.Sdk.XunitException($"no {path} link in the message");

    private static List<string> ClickUrls(MimeMessage message) =>
        [.. ClickLink().Matches(message.HtmlBody ?? "").Select(m => new Uri(WebUtility.HtmlDecode(m.Groups[1].Value)).PathAndQuery)];

    [Fact]
    public async Task Untracked_figures_equal_the_web_views_and_unsubscribes_and_the_delivered_html_has_no_pixel_nor_redirect()
    {
        var (app, campaign, messages) = await SendAsync(tracking: false);
        await using var _ = app;
        foreach (var message in messages.Values)
        {
            Assert.DoesNotContain("/o/", message.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("/c/", message.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("统计阅读", message.HtmlBody, StringComparison.Ordinal);
            Assert.Contains($"href=\"{FirstLink.Replace("&", "&amp;", StringComparison.Ordinal)}\"", message.HtmlBody, StringComparison.Ordinal);
        }
        using var reader = await app.ClientAsync();
        // Web views: municipal0 three times, municipal1 once, county0 once; a forged token changes nothing.
        foreach (var who in new[] { "municipal0", "municipal0", "municipal0", "municipal1", "county0" })
        {
            using var view = await reader.GetAsync(Url(messages[who], "/v/"));
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(Url(messages["municipal2"], "/v/")[..^2] + "xx")).StatusCode);
        // county1 leaves through the page's button; municipal2 is unsubscribed by an admin (not the reader's choice: not counted).
        var unsubscribe = await reader.PostAsync(Url(messages["county1"], "/u/"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click", ["via"] = "page" }));
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        var municipal2 = await app.Subscribers.FindByEmailAsync(messages["municipal2"].To.Mailboxes.Single().Address);
        await app.Subscribers.UnsubscribeAsync(municipal2!.Id, "admin:admin");

        var figures = await app.Services.GetRequiredService<ICampaignFigures>().GetAsync(campaign.Id);

        Assert.NotNull(figures);
        Assert.False(figures.Tracking);
        var m = figures.Segments.Single(s => s.Segment == "municipal").Figures;
        var c = figures.Segments.Single(s => s.Segment == "county").Figures;
        Assert.Equal((3, 3, 0, 0, 0, 0, 2), (m.Recipients, m.Delivered, m.Deferred, m.Failed, m.Bounced, m.Unsubscribed, m.WebViews));
        Assert.Equal((2, 2, 0, 0, 0, 1, 1), (c.Recipients, c.Delivered, c.Deferred, c.Failed, c.Bounced, c.Unsubscribed, c.WebViews));
        Assert.Null(figures.Total.Tracked);

        // The campaign page, the dashboard and the workbook show the same.
        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        var page = await editor.GetStringAsync($"/Campaigns/Details/{campaign.Id}");
        Assert.Matches("<tr data-segment=\"municipal\"><td>[^<]+</td><td class=\"num\">3</td><td class=\"num\">3</td>", page);
        Assert.Contains("<td class=\"num\" data-figure=\"webViews\">2</td>", page, StringComparison.Ordinal);
        Assert.Contains("本期未开启阅读统计", page, StringComparison.Ordinal);
        Assert.Contains("class=\"bar-webviews\" data-value=\"2\"", page, StringComparison.Ordinal);
        var dashboard = await editor.GetStringAsync("/");
        Assert.Contains("id=\"recent-figures\"", dashboard, StringComparison.Ordinal);
        Assert.Contains($"/Campaigns/Details/{campaign.Id}\">#{campaign.Id}", dashboard, StringComparison.Ordinal);

        using var export = await editor.GetAsync($"/Campaigns/Export/{campaign.Id}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var rows = ReadSheet(await export.Content.ReadAsByteArrayAsync(), "数据");
        Assert.Equal(["3", "3", "0", "0", "0", "0", "2"], rows.Single(r => r[0] == "市级领导")[1..8]);
        Assert.Equal(["2", "2", "0", "0", "0", "1", "1"], rows.Single(r => r[0] == "县级领导")[1..8]);
        Assert.Equal(["5", "5", "0", "0", "0", "1", "3"], rows.Single(r => r[0] == "合计 total")[1..8]);
        Assert.Equal(8, rows.Single(r => r[0] == "分组 segment").Length);   // no opens or clicks columns when untracked
        using var anonymous = await app.ClientAsync();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/Campaigns/Export/{campaign.Id}")).StatusCode);
    }

    [Fact]
    public async Task Tracked_html_has_a_pixel_and_signed_redirects_the_text_part_none_and_clicks_and_opens_are_counted_per_segment()
    {
        var (app, campaign, messages) = await SendAsync(tracking: true);
        await using var _ = app;
        foreach (var message in messages.Values)
        {
            Assert.Contains("/o/", message.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("本期邮件统计阅读情况", message.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain($"href=\"{SecondLink}\"", message.HtmlBody, StringComparison.Ordinal);
            Assert.Equal(2, ClickUrls(message).Count);
            Assert.DoesNotContain("/c/", message.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("/o/", message.TextBody, StringComparison.Ordinal);
            Assert.Contains(SecondLink, message.TextBody, StringComparison.Ordinal);
        }
        using var reader = await app.ClientAsync();
        async Task<HttpResponseMessage> Click(string who, int link) => await reader.GetAsync(ClickUrls(messages[who])[link]);
        // Clicks: the first link by municipal0 twice and municipal1 once; the second by county0.
        foreach (var (who, link) in new[] { ("municipal0", 0), ("municipal0", 0), ("municipal1", 0), ("county0", 1) })
        {
            using var response = await Click(who, link);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(link == 0 ? FirstLink : SecondLink, response.Headers.Location!.OriginalString);
        }
        // Altered, foreign and linkless tokens: 404, never a redirect.
        var good = ClickUrls(messages["municipal2"])[0];
        var tokenAt = good.LastIndexOf('/') + 1;
        var altered = good[..tokenAt] + (good[tokenAt] == 'A' ? 'B' : 'A') + good[(tokenAt + 1)..];
        var tokens = app.Services.GetRequiredService<TrackingTokens>();
        var municipal2 = (await app.Subscribers.FindByEmailAsync(messages["municipal2"].To.Mailboxes.Single().Address))!;
        foreach (var bad in new[]
        {
            altered, "/c/" + Url(messages["municipal2"], "/v/")["/v/".Length..], "/c/" + tokens.Click(municipal2.Id, campaign.Id, 3),
            "/c/" + tokens.Click(municipal2.Id, campaign.Id + 1, 1), "/c/https%3A%2F%2Fevil.example.org", "/o/" + good[tokenAt..],
        })
        {
            using var response = await reader.GetAsync(bad);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{bad}: {(int)response.StatusCode}");
        }
        // Opens: municipal0 by a mail client, municipal1 only by Apple's proxy (a bare "Mozilla/5.0"), county1 by Gmail's.
        foreach (var (who, agent) in new[] { ("municipal0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0"), ("municipal1", "Mozilla/5.0"),
                     ("county1", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url(messages[who], "/o/"));
            request.Headers.TryAddWithoutValidation("User-Agent", agent);
            using var response = await reader.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/gif", response.Content.Headers.ContentType!.MediaType);
        }

        var figures = (await app.Services.GetRequiredService<ICampaignFigures>().GetAsync(campaign.Id))!;

        Assert.True(figures.Tracking);
        var m = figures.Segments.Single(s => s.Segment == "municipal").Figures.Tracked!;
        var c = figures.Segments.Single(s => s.Segment == "county").Figures.Tracked!;
        Assert.Equal((1, 1, 2), (m.Opens, m.ProxyOpens, m.Clicks));
        Assert.Equal((0, 1, 1), (c.Opens, c.ProxyOpens, c.Clicks));
        Assert.Equal([(1, FirstLink, "阅读原文", 2, 3), (2, SecondLink, "数据来源", 0, 0)], m.Links.Select(l => (l.Link, l.Url, l.Text, l.Recipients, l.Clicks)));
        Assert.Equal([(2, 1)], c.Links.Where(l => l.Clicks > 0).Select(l => (l.Link, l.Recipients)));

        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        var page = await editor.GetStringAsync($"/Campaigns/Details/{campaign.Id}");
        Assert.Contains("图片代理", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\" data-figure=\"clicks\">3</td>", page, StringComparison.Ordinal);
        var rows = ReadSheet(await editor.GetByteArrayAsync($"/Campaigns/Export/{campaign.Id}"), "数据");
        Assert.Equal(["1", "2", "3"], rows.Single(r => r[0] == "合计 total")[8..11]);
        var links = ReadSheet(await editor.GetByteArrayAsync($"/Campaigns/Export/{campaign.Id}"), "链接");
        Assert.Contains(links, r => r[0] == "市级领导" && r[3] == FirstLink && r[4] == "2" && r[5] == "3");
    }

    /// <summary>The rows of one sheet as text, read back with ExcelDataReader.</summary>
    private static List<string[]> ReadSheet(byte[] workbook, string sheet)
    {
        using var stream = new MemoryStream(workbook);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);   // ExcelDataReader asks for 1252
        using var reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
        do
        {
            if (reader.Name != sheet) continue;
            var rows = new List<string[]>();
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "")]);
            }
            return rows;
        }
        while (reader.NextResult());
        throw new Xunit.Sdk.XunitException($"no sheet {sheet}");
    }

    [GeneratedRegex("href=\"(http://127\\.0\\.0\\.1:\\d+/c/[^\"]+)\"")]
    private static partial Regex ClickLink();
}
