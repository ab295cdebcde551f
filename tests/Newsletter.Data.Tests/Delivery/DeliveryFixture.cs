using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>Links without signing, enough for delivery tests.</summary>
internal sealed class PlainLinks : IRecipientLinks
{
    public string UnsubscribeUrl(long subscriberId, long campaignId) => $"https://bulletin.example.org/u/{subscriberId}-{campaignId}";

    public string ViewUrl(long subscriberId, long campaignId) => $"https://bulletin.example.org/v/{subscriberId}-{campaignId}";
}

/// <summary>A database with subscribers and a campaign to them, and a real <see cref="CampaignSender"/> on it.</summary>
internal sealed class DeliveryFixture : IAsyncDisposable
{
    private readonly TestDatabase _db;

    private DeliveryFixture(TestDatabase db)
    {
        _db = db;
        Database = db.Open();
        Subscribers = new SqlSubscriberStore(Database, TimeProvider.System);
        Campaigns = new SqlCampaignStore(Database, Subscribers, TimeProvider.System);
    }

    public NewsletterDatabase Database { get; }

    public SqlSubscriberStore Subscribers { get; }

    public SqlCampaignStore Campaigns { get; }

    public MessageFactory Messages { get; } = new(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });

    /// <summary>The addresses of the campaign's recipients, in id order.</summary>
    public List<string> Emails { get; } = [];

    public static Task<DeliveryFixture> CreateAsync(TestDatabase db, int recipients) =>
        CreateAsync(db, Enumerable.Range(0, recipients).Select(i => $"leader{i:D5}@{(i % 3 == 0 ? "xuchang.gov.cn" : "example.org")}").ToList());

    /// <summary>A fixture whose recipients are these addresses, subscribed (and so sent) in this order.</summary>
    public static async Task<DeliveryFixture> CreateAsync(TestDatabase db, IReadOnlyList<string> emails)
    {
        var fixture = new DeliveryFixture(db);
        await using (var import = await fixture.Subscribers.BeginImportAsync())
        {
            for (var i = 0; i < emails.Count; i++)
            {
                var email = emails[i];
                fixture.Emails.Add(email);
                await import.ApplyAsync(new SubscriberDraft(email, $"王{i}", "许昌市科学技术局", "局长", [Segments.Municipal], "魏都区", []), update: false);
            }
            await import.CommitAsync();
        }
        return fixture;
    }

    public async Task<Campaign> NewCampaignAsync(string issueKey = "2026-01")
    {
        var html = "<html><body><p>[[nl:salutation]]：</p><p>许昌竞争情报快递正文。</p><a href=\"[[nl:unsubscribe_url]]\">退订</a></body></html>";
        var text = "[[nl:salutation]]：\n许昌竞争情报快递正文。\n退订：[[nl:unsubscribe_url]]\n";
        return await Campaigns.CreateAsync(
            new NewCampaign(issueKey, "许昌竞争情报快递 2026年第1期", [Segments.Municipal], "/tmp/issue.md", "source", CampaignState.Running, null),
            [new StoredVariant(Segments.Municipal, "许昌竞争情报快递 2026年第1期", null, html, text)],
            new AudienceFilter([Segments.Municipal]), Messages.NewMessageId);
    }

    /// <summary>A sender on this fixture's store; it runs as many workers as <paramref name="transport"/> has sessions.</summary>
    public CampaignSender Sender(IMailTransport transport, DeliveryOptions delivery, ILogger<CampaignSender>? logger = null) =>
        new(Campaigns, Campaigns, transport, Messages, new PlainLinks(), delivery, TimeProvider.System, logger ?? NullLogger<CampaignSender>.Instance);

    /// <summary>Outbox rows of a campaign: message id → (status, reply, email).</summary>
    public async Task<List<(string MessageId, string Status, string? Reply, string Email, int Attempts)>> OutboxAsync(long campaignId)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT o.message_id, o.status, o.last_reply, s.email, o.attempts FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id WHERE o.campaign_id = "
            + campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ORDER BY o.id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string?, string, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _db.DisposeAsync();
    }
}
