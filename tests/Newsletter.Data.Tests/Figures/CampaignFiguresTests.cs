using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Core.Figures;
using Newsletter.Data.Audience;
using Newsletter.Data.Bounces;
using Newsletter.Data.Delivery;
using Newsletter.Data.Figures;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Figures;

/// <summary>
/// Issue 21: the figures of a campaign per segment on both databases, from a real send (pickup folder), scripted
/// reader events, a bounce report and unsubscribes; and the retention that freezes them and deletes the events.
/// </summary>
public abstract class CampaignFiguresTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private const string Html = """
        <html><body><p>[[nl:salutation]]：</p>
        <p><a href="https://www.xcsti.example.org/a/1?x=1&amp;y=2">河南省发制品出口增长</a></p>
        <p><a href="https://www.xcsti.example.org/a/2"><b>阅读原文</b></a></p>
        <a href="[[nl:unsubscribe_url]]">退订</a></body></html>
        """;

    private readonly TestDatabase _db = new TDatabase();
    private readonly TempDirectory _pickup = new("figures-pickup");
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;
    private SqlCampaignStore _campaigns = null!;
    private SqlReaderEventStore _events = null!;
    private SqlCampaignFigures _figures = null!;

    public async Task InitializeAsync()
    {
        _database = _db.Open();
        _subscribers = new SqlSubscriberStore(_database, TimeProvider.System);
        _campaigns = new SqlCampaignStore(_database, _subscribers, TimeProvider.System);
        _events = new SqlReaderEventStore(_database);
        _figures = new SqlCampaignFigures(_database);
        for (var i = 0; i < 5; i++)
        {
            await _subscribers.AddAsync(new SubscriberDraft($"m{i}@xuchang.example.org", $"王{i}", null, null, [Segments.Municipal], null, []));
        }
        for (var i = 0; i < 3; i++)
        {
            await _subscribers.AddAsync(new SubscriberDraft($"c{i}@xuchang.example.org", $"李{i}", null, null, [Segments.County], null, []));
        }
    }

    private async Task<(Campaign Campaign, List<(long Outbox, long Subscriber, string Variant)> Rows)> SendAsync()
    {
        var messages = new MessageFactory(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });
        var campaign = await _campaigns.CreateAsync(
            new NewCampaign("2026年第1期", "许昌竞争情报快递", [Segments.Municipal, Segments.County], "/tmp/issue.md", "source", CampaignState.Running, null),
            [new StoredVariant(Segments.Municipal, "快递", null, Html, "正文"), new StoredVariant(Segments.County, "快递", null, Html, "正文")],
            new AudienceFilter([Segments.Municipal, Segments.County]), messages.NewMessageId);
        var sender = new CampaignSender(_campaigns, _campaigns, new PickupTransport(_pickup.Path), messages, new Delivery.PlainLinks(),
            new DeliveryOptions(), TimeProvider.System, NullLogger<CampaignSender>.Instance);
        var summary = await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, null, CancellationToken.None);
        Assert.Equal(8, summary.Counts.Sum(c => c.Sent));
        var rows = new List<(long, long, string)>();
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, subscriber_id, variant FROM outbox WHERE campaign_id = {campaign.Id} ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        return (campaign, rows);
    }

    private Task RecordAsync(Campaign campaign, (long Outbox, long Subscriber, string Variant) row, ReaderEventKind kind, int? link = null, string? client = null) =>
        _events.RecordAsync(new ReaderEvent(campaign.Id, row.Outbox, row.Subscriber, kind, DateTimeOffset.UtcNow, link, Client: client));

    private async Task<long> CountEventsAsync(string where)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM reader_events WHERE " + where;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Figures_per_segment_equal_what_happened_and_survive_the_pruning_of_the_events()
    {
        var (campaign, rows) = await SendAsync();
        var municipal = rows.Where(r => r.Variant == Segments.Municipal).ToList();
        var county = rows.Where(r => r.Variant == Segments.County).ToList();
        await new SqlCampaignTracking(_database).SetAsync(campaign.Id, true);

        // Web views: two municipal readers (one of them three times), one county reader.
        await RecordAsync(campaign, municipal[0], ReaderEventKind.WebView);
        await RecordAsync(campaign, municipal[0], ReaderEventKind.WebView);
        await RecordAsync(campaign, municipal[0], ReaderEventKind.WebView);
        await RecordAsync(campaign, municipal[1], ReaderEventKind.WebView);
        await RecordAsync(campaign, county[0], ReaderEventKind.WebView);
        // Opens: municipal[0] by a mail client (and by Apple's proxy before), municipal[1] only by Apple's proxy, county[1] by Gmail's.
        await RecordAsync(campaign, municipal[0], ReaderEventKind.Open, client: ClientFamily.AppleProxy);
        await RecordAsync(campaign, municipal[0], ReaderEventKind.Open, client: ClientFamily.Other);
        await RecordAsync(campaign, municipal[1], ReaderEventKind.Open, client: ClientFamily.AppleProxy);
        await RecordAsync(campaign, county[1], ReaderEventKind.Open, client: ClientFamily.GmailProxy);
        // Clicks: link 1 by municipal[0] twice and municipal[2]; link 2 by county[0].
        await RecordAsync(campaign, municipal[0], ReaderEventKind.Click, link: 1);
        await RecordAsync(campaign, municipal[0], ReaderEventKind.Click, link: 1);
        await RecordAsync(campaign, municipal[2], ReaderEventKind.Click, link: 1);
        await RecordAsync(campaign, county[0], ReaderEventKind.Click, link: 2);
        // Unsubscribes: a county reader by one-click and a municipal one by the page count; an admin's does not.
        Assert.True(await _subscribers.UnsubscribeAsync(county[2].Subscriber, $"one-click:campaign-{campaign.Id}"));
        Assert.True(await _subscribers.UnsubscribeAsync(municipal[3].Subscriber, $"page:campaign-{campaign.Id}"));
        Assert.True(await _subscribers.UnsubscribeAsync(municipal[4].Subscriber, "admin (cli)"));
        // A bounce report for municipal[1] (by its outbox row) and one for county[1] (by campaign and subscriber).
        var bounces = new SqlBounceStore(_database);
        foreach (var (row, key) in new[] { (municipal[1], "r1"), (county[1], "r2") })
        {
            await bounces.AddAsync(new BounceRecord
            {
                ReportKey = key, ReceivedAt = DateTimeOffset.UtcNow, Kind = "bounce", Class = BounceClass.Hard, Address = "x@example.org",
                Status = "5.1.1", Reason = "userunknown", Diagnostic = "550", MatchedBy = MatchedBy.Verp, CampaignId = campaign.Id,
                SubscriberId = row.Subscriber, OutboxId = key == "r1" ? row.Outbox : null,
            }, null);
        }

        var before = await _figures.GetAsync(campaign.Id);
        Assert.NotNull(before);
        AssertFigures(before);
        Assert.Null(before.FrozenAt);

        // Not yet due: nothing is pruned.
        var early = await _events.PruneAsync(DateTimeOffset.UtcNow.AddDays(30), TimeSpan.FromDays(180));
        Assert.Equal(0, early.CampaignsFrozen);
        Assert.Equal(16, await CountEventsAsync($"campaign_id = {campaign.Id} OR campaign_id IS NULL"));

        // 200 days on: the figures are frozen, every event row is gone, and the figures read the same.
        var pruned = await _events.PruneAsync(DateTimeOffset.UtcNow.AddDays(200), TimeSpan.FromDays(180));
        Assert.Equal(1, pruned.CampaignsFrozen);
        Assert.Equal(16, pruned.EventsDeleted);
        Assert.Equal(0, await CountEventsAsync("1 = 1"));
        var after = await _figures.GetAsync(campaign.Id);
        Assert.NotNull(after);
        Assert.NotNull(after.FrozenAt);
        AssertFigures(after);

        // A reader coming back later is not recorded: the figures are final.
        await RecordAsync(campaign, municipal[4], ReaderEventKind.WebView);
        Assert.Equal(0, await CountEventsAsync("1 = 1"));
        Assert.Equal(0, (await _events.PruneAsync(DateTimeOffset.UtcNow.AddDays(400), TimeSpan.FromDays(180))).CampaignsFrozen);
    }

    private static void AssertFigures(CampaignFigures figures)
    {
        Assert.True(figures.Tracking);
        Assert.Equal([Segments.Municipal, Segments.County], figures.Segments.Select(s => s.Segment));
        var m = figures.Segments[0].Figures;
        var c = figures.Segments[1].Figures;
        Assert.Equal((5, 5, 0, 0, 1, 1, 2), (m.Recipients, m.Delivered, m.Deferred, m.Failed, m.Bounced, m.Unsubscribed, m.WebViews));
        Assert.Equal((3, 3, 0, 0, 1, 1, 1), (c.Recipients, c.Delivered, c.Deferred, c.Failed, c.Bounced, c.Unsubscribed, c.WebViews));
        Assert.Equal((1, 1, 2), (m.Tracked!.Opens, m.Tracked.ProxyOpens, m.Tracked.Clicks));
        Assert.Equal((0, 1, 1), (c.Tracked!.Opens, c.Tracked.ProxyOpens, c.Tracked.Clicks));
        Assert.Equal([(1, "https://www.xcsti.example.org/a/1?x=1&y=2", "河南省发制品出口增长", 2, 3), (2, "https://www.xcsti.example.org/a/2", "阅读原文", 0, 0)],
            m.Tracked.Links.Select(l => (l.Link, l.Url, l.Text, l.Recipients, l.Clicks)));
        var total = figures.Total;
        Assert.Equal((8, 8, 2, 2, 3), (total.Recipients, total.Delivered, total.Bounced, total.Unsubscribed, total.WebViews));
        Assert.Equal((1, 2, 3), (total.Tracked!.Opens, total.Tracked.ProxyOpens, total.Tracked.Clicks));
        Assert.Equal([(2, 3), (1, 1)], total.Tracked.Links.Select(l => (l.Recipients, l.Clicks)));
    }

    [Fact]
    public async Task An_unsubscribe_counts_within_seven_days_of_the_first_send_only_and_an_untracked_campaign_has_no_reader_measurements()
    {
        var (campaign, rows) = await SendAsync();
        var first = (await _figures.GetAsync(campaign.Id))!.FirstSentAt!.Value;
        // Recorded as the store records them: channel, subscriber, time; one inside the window, one 8 days after.
        await _events.RecordAsync(new ReaderEvent(null, null, rows[0].Subscriber, ReaderEventKind.Unsubscribe, first.AddDays(6.9), Source: UnsubscribeSources.Mailed));
        await _events.RecordAsync(new ReaderEvent(null, null, rows[1].Subscriber, ReaderEventKind.Unsubscribe, first.AddDays(8), Source: UnsubscribeSources.OneClick));

        var figures = await _figures.GetAsync(campaign.Id);

        Assert.False(figures!.Tracking);
        Assert.Null(figures.Total.Tracked);
        Assert.Equal(1, figures.Total.Unsubscribed);
        Assert.Null(await _figures.GetAsync(campaign.Id + 1000));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
        _pickup.Dispose();
    }
}

public sealed class SqliteCampaignFiguresTests : CampaignFiguresTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresCampaignFiguresTests : CampaignFiguresTests<PostgresTestDatabase>;
