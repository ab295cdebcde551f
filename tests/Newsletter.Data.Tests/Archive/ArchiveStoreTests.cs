using Newsletter.Testing;
using Newsletter.Core.Archive;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Data.Archive;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;

namespace Newsletter.Data.Tests.Archive;

/// <summary>
/// The 往期 archive on both engines: only campaigns that delivered, newest first, with outbox counts per segment; the
/// search over title, 期号, stored source and variant text; the stored variant; and what one subscriber received.
/// </summary>
public abstract class ArchiveStoreTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private static readonly DateTimeOffset FirstSend = new(2099, 1, 5, 1, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondSend = new(2099, 2, 5, 1, 30, 0, TimeSpan.Zero);

    private readonly TestDatabase _db = new TDatabase();
    private NewsletterDatabase _database = null!;
    private SqlCampaignStore _campaigns = null!;
    private SqlArchiveStore _archive = null!;
    private Subscriber _municipal = null!;
    private Subscriber _county = null!;
    private Subscriber _both = null!;
    private Campaign _first = null!;
    private Campaign _second = null!;
    private Campaign _unsent = null!;

    public async Task InitializeAsync()
    {
        _database = _db.Open();
        var subscribers = new SqlSubscriberStore(_database, TimeProvider.System);
        _campaigns = new SqlCampaignStore(_database, subscribers, TimeProvider.System);
        _archive = new SqlArchiveStore(_database);
        _municipal = await subscribers.AddAsync(new SubscriberDraft("shi@example.org", "王市", null, null, [Segments.Municipal], null, []));
        _county = await subscribers.AddAsync(new SubscriberDraft("xian@example.org", "李县", null, null, [Segments.County], null, []));
        _both = await subscribers.AddAsync(new SubscriberDraft("both@example.org", "赵两", null, null, [Segments.Municipal, Segments.County], null, []));

        // Issue 1 to the municipal leaders, delivered to both of them; issue 2 to the county leaders, failed for one;
        // issue 3 created but never sent.
        _first = await CreateAsync("2099年第1期", "《许昌竞争情报快递》2099年第1期", Segments.Municipal,
            source: "## 行业动态\n\n### 发制品出口\n\n禹州发制品 Alpha 出口增长百分之十二。", text: "市级版 正文");
        _second = await CreateAsync("2099年第2期", "许昌竞争情报快递", Segments.County,
            source: "## 行业趋势\n\n### 新材料\n\n长葛新材料产业园开工。", text: "县级版 超硬材料 专题");
        _unsent = await CreateAsync("2099年第3期", "许昌竞争情报快递 第三期", Segments.Municipal,
            source: "## 编者的话\n\n禹州发制品 未发送。", text: "未发送");
        await DeliverAsync(_first, FirstSend, _ => OutboxStatus.Sent);
        await _campaigns.SetStateAsync(_first.Id, CampaignState.Completed, null);
        await DeliverAsync(_second, SecondSend, e => e.SubscriberId == _both.Id ? OutboxStatus.Failed : OutboxStatus.Sent);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Task<Campaign> CreateAsync(string key, string title, string segment, string source, string text) =>
        _campaigns.CreateAsync(new NewCampaign(key, title, [segment], "/tmp/" + key + ".md", source, CampaignState.Running, null),
            [new StoredVariant(segment, title + " · " + segment, null, $"<html><head></head><body><p>[[nl:salutation]]</p><p>{key} {segment}</p></body></html>", text)],
            AudienceTags.None.For([segment]), () => Guid.NewGuid().ToString("N") + "@test");

    private async Task DeliverAsync(Campaign campaign, DateTimeOffset at, Func<OutboxEntry, OutboxStatus> outcome)
    {
        var claimed = await _campaigns.ClaimAsync(campaign.Id, "test", 100, at, at.AddMinutes(5));
        Assert.NotEmpty(claimed);
        await _campaigns.RecordAsync([.. claimed.Select(e => new DeliveryRecord(e.Id, e.SubscriberId, outcome(e), 1,
            outcome(e) == OutboxStatus.Sent ? "250 2.0.0 Ok" : "550 5.1.1 no such user", at, null, false))]);
    }

    private async Task<long[]> SearchAsync(string? search) => [.. (await _archive.ListAsync(search, 50)).Select(i => i.CampaignId)];

    [Fact]
    public async Task Only_delivered_campaigns_are_listed_newest_first_with_their_outbox_counts_per_segment()
    {
        var issues = await _archive.ListAsync(null, 50);

        Assert.Equal([_second.Id, _first.Id], issues.Select(i => i.CampaignId));
        var second = issues[0];
        Assert.Equal("2099年第2期", second.IssueKey);
        Assert.Equal("许昌竞争情报快递", second.Title);
        Assert.Equal(CampaignState.Running, second.State);
        Assert.Equal(SecondSend, second.SentAt);
        Assert.Equal([new ArchivedSegment(Segments.County, 2, 1, 1)], second.Segments);
        Assert.Equal((2, 1, 1), (second.Recipients, second.Delivered, second.Failed));
        var first = issues[1];
        Assert.Equal(CampaignState.Completed, first.State);
        Assert.Equal(FirstSend, first.SentAt);
        Assert.Equal([new ArchivedSegment(Segments.Municipal, 2, 2, 0)], first.Segments);
        Assert.Equal([_second.Id], (await _archive.ListAsync(null, 1)).Select(i => i.CampaignId));
    }

    [Theory]
    [InlineData("2099年第1期", "first")]       // 期号
    [InlineData("第1期", "first")]             // part of the title
    [InlineData("发制品", "first")]            // the stored issue source; the unsent issue 3 says it too and is not listed
    [InlineData("alpha", "first")]             // Latin letters in any case
    [InlineData("超硬材料", "second")]          // a variant's text part
    [InlineData("County", "second")]           // a variant's subject
    [InlineData("  长葛新材料  ", "second")]     // trimmed
    [InlineData("许昌竞争情报快递", "both")]
    [InlineData("%", "none")]                  // LIKE wildcards are literal
    [InlineData("_", "none")]
    [InlineData("未发送", "none")]
    public async Task The_search_finds_issues_by_title_number_and_text(string search, string expected)
    {
        long[] ids = expected switch
        {
            "first" => [_first.Id],
            "second" => [_second.Id],
            "both" => [_second.Id, _first.Id],
            _ => [],
        };
        Assert.Equal(ids, await SearchAsync(search));
    }

    [Fact]
    public async Task The_variant_is_the_stored_one_and_only_of_a_delivered_campaign()
    {
        var variant = await _archive.GetVariantAsync(_first.Id, Segments.Municipal);

        Assert.NotNull(variant);
        Assert.Equal((await _campaigns.GetVariantsAsync(_first.Id)).Single(), variant);
        Assert.Contains("[[nl:salutation]]", variant.Html, StringComparison.Ordinal);
        Assert.Null(await _archive.GetVariantAsync(_first.Id, Segments.County));
        Assert.Null(await _archive.GetVariantAsync(_unsent.Id, Segments.Municipal));
        Assert.Null(await _archive.GetVariantAsync(987654, Segments.Municipal));
    }

    [Fact]
    public async Task A_subscriber_received_only_the_issues_delivered_to_them()
    {
        var both = await _archive.ListReceivedAsync(_both.Id);
        var county = await _archive.ListReceivedAsync(_county.Id);
        var municipal = await _archive.ListReceivedAsync(_municipal.Id);

        // _both was in issue 1 (delivered) and issue 2 (failed) and issue 3 (never sent): only issue 1.
        Assert.Equal([new ReceivedIssue(_first.Id, "2099年第1期", "《许昌竞争情报快递》2099年第1期", FirstSend)], both);
        Assert.Equal([_second.Id], county.Select(i => i.CampaignId));
        Assert.Equal([_first.Id], municipal.Select(i => i.CampaignId));
        Assert.Empty(await _archive.ListReceivedAsync(987654));
    }
}

public sealed class SqliteArchiveStoreTests : ArchiveStoreTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresArchiveStoreTests : ArchiveStoreTests<PostgresTestDatabase>;
