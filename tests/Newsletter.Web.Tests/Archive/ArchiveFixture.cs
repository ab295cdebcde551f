using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;
using Newsletter.Web.Tests.Browser;
using Newsletter.Web.Campaigns;
using Newsletter.Web.Issues;

namespace Newsletter.Web.Tests.Archive;

/// <summary>
/// The app with two issues really sent (to the pickup folder, the default transport) and a third only scheduled:
/// issue 1 to the municipal and enterprise leaders (with a section for enterprises only), issue 2 to the county
/// leaders. <see cref="Both"/> is in the municipal and county segments and so received both issues; the others one each.
/// </summary>
public sealed partial class ArchiveFixture : IAsyncLifetime
{
    public const string FirstNumber = "2026年第41期";
    public const string SecondNumber = "2026年第42期";
    public const string UnsentNumber = "2026年第43期";

    /// <summary>Article text only issue 1 has (in every variant).</summary>
    public const string FirstMarker = "禹州钧瓷文化产业园入驻企业达到一百零八家";

    /// <summary>Article text only issue 1's enterprise variant has.</summary>
    public const string EnterpriseMarker = "重点企业专享的融资对接会报名通道";

    /// <summary>Article text only issue 2 has.</summary>
    public const string SecondMarker = "长葛市超硬材料产业集群年产值突破百亿";

    private WebApp? _app;
    private BrowserSession? _browser;

    public WebApp App => _app ?? throw new InvalidOperationException("not started");

    public BrowserSession Browser => _browser ?? throw new InvalidOperationException("not started");

    public Campaign First { get; private set; } = null!;

    public Campaign Second { get; private set; } = null!;

    public Campaign Unsent { get; private set; } = null!;

    public Subscriber Municipal { get; private set; } = null!;

    public Subscriber County { get; private set; } = null!;

    public Subscriber Enterprise { get; private set; } = null!;

    public Subscriber Both { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        Municipal = await App.AddSubscriberAsync("shi@example.org", "王市长", Segments.Municipal);
        County = await App.AddSubscriberAsync("xian@example.org", "李县长", Segments.County);
        Enterprise = await App.AddSubscriberAsync("qiye@example.org", "张总", Segments.Enterprise);
        Both = await App.AddSubscriberAsync("both@example.org", "赵主任", Segments.Municipal, Segments.County);

        First = await SendAsync(await UploadAsync(FirstNumber, "2026-11-05", FirstMarker, enterpriseOnly: EnterpriseMarker),
            [Segments.Municipal, Segments.Enterprise]);
        Second = await SendAsync(await UploadAsync(SecondNumber, "2026-11-20", SecondMarker), [Segments.County]);
        var unsent = await UploadAsync(UnsentNumber, "2026-12-05", "尚未发送的一期");
        Unsent = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(unsent.Path, [Segments.County], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(30))).Campaign;
        _browser = await BrowserSession.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>The sample bulletin with its own 期号, date and article text (and a section for enterprises only).</summary>
    private Task<UploadedIssue> UploadAsync(string number, string date, string marker, string? enterpriseOnly = null)
    {
        var text = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md"));
        Assert.Contains("sample: true\n", text, StringComparison.Ordinal);
        Assert.Contains("## 编者的话\n\n", text, StringComparison.Ordinal);
        text = text.Replace("sample: true\n", $"number: {number}\ndate: {date}\n", StringComparison.Ordinal)
            .Replace("## 编者的话\n\n", $"## 编者的话\n\n{marker}。\n\n", StringComparison.Ordinal);
        if (enterpriseOnly is not null)
        {
            text += $"\n## 企业专栏\n<!-- audiences: enterprise -->\n\n### 融资对接\n\n{enterpriseOnly}已经开放。\n";
        }
        return App.Services.GetRequiredService<UploadedIssueStore>()
            .AddAsync($"archive-{Guid.NewGuid():N}.md", Encoding.UTF8.GetBytes(text), number, WebApp.AdminLogin, CancellationToken.None);
    }

    /// <summary>Creates the campaign and sends it through the app's runner to the pickup folder; waits until it completed.</summary>
    private async Task<Campaign> SendAsync(UploadedIssue upload, string[] segments)
    {
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, segments, CampaignState.Running, null)).Campaign;
        App.Services.GetRequiredService<CampaignRunner>().Enqueue(campaign.Id);
        var campaigns = App.Services.GetRequiredService<ICampaignStore>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var state = campaign.State;
        while (DateTime.UtcNow < deadline)
        {
            state = (await campaigns.GetAsync(campaign.Id))!.State;
            if (state == CampaignState.Completed) return campaign;
            await Task.Delay(200);
        }
        var counts = string.Join(", ", (await campaigns.CountAsync(campaign.Id)).Select(c => $"{c.Variant}: {c.Sent}/{c.Total} sent, {c.Failed} failed"));
        throw new TimeoutException($"campaign {campaign.Id} ({upload.Title}) is {state} after 120 s: {counts}");
    }

    /// <summary>The web-view link of the message <paramref name="subscriber"/> received from <paramref name="campaign"/> (read from the pickup folder).</summary>
    public string ViewLinkOf(Campaign campaign, Subscriber subscriber)
    {
        var folder = Path.Combine(App.Folder, "outbox");
        var messages = Directory.EnumerateFiles(folder, "*.eml", SearchOption.AllDirectories)
            .Select(f => MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(a => a.Address == subscriber.Email) && (m.Subject ?? "").Contains(campaign.IssueKey, StringComparison.Ordinal))
            .ToList();
        var message = Assert.Single(messages);
        var link = ViewLink().Match(message.HtmlBody ?? "");
        Assert.True(link.Success, $"no web-view link in the message to {subscriber.Email}");
        return link.Value;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/v/[A-Za-z0-9_-]+")]
    private static partial Regex ViewLink();
}
