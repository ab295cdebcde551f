using System.Data.Common;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;
using Newsletter.Data.Tests.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// Issue 13: a subscriber's id is never handed out again, and an outbox row can only ever name the person its campaign
/// targeted. The scenario of the issue: a municipal leader's message fails, the leader is removed, a new leader is added,
/// and <c>campaigns retry-failed</c> must not deliver the old campaign to the new leader, nor may the report list them.
/// </summary>
public abstract class SubscriberIdentityTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _db = new();
    private readonly TempDirectory _pickup = new("newsletter-identity");
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;
    private SqlCampaignStore _campaigns = null!;

    public Task InitializeAsync()
    {
        _database = _db.Open();
        _subscribers = new SqlSubscriberStore(_database, TimeProvider.System);
        _campaigns = new SqlCampaignStore(_database, _subscribers, TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
        _pickup.Dispose();
    }

    private static SubscriberDraft Leader(string email, string name) =>
        new(email, name, "许昌市人民政府", "市长", [Segments.Municipal], "魏都区", []);

    [Fact]
    public async Task A_removed_subscribers_id_is_never_handed_out_again()
    {
        var first = await _subscribers.AddAsync(Leader("first@xuchang.example.org", "王一"));
        var removed = await _subscribers.AddAsync(Leader("removed@xuchang.example.org", "王二"));
        Assert.True(await _subscribers.RemoveAsync(removed.Email));

        var next = await _subscribers.AddAsync(Leader("next@xuchang.example.org", "王三"));

        Assert.True(next.Id > removed.Id, $"the new subscriber got id {next.Id}; the removed one had {removed.Id} (first: {first.Id})");
    }

    [Fact]
    public async Task Retry_failed_after_a_removal_never_reaches_the_new_leader_and_the_report_does_not_list_them()
    {
        var stays = await _subscribers.AddAsync(Leader("stays@xuchang.example.org", "李留"));
        var old = await _subscribers.AddAsync(Leader("old.leader@xuchang.example.org", "张旧"));
        var campaign = await NewCampaignAsync();
        await FailAsync(campaign.Id, old);

        Assert.True(await _subscribers.RemoveAsync(old.Email));
        var newLeader = await _subscribers.AddAsync(Leader("new.leader@xuchang.example.org", "赵新"));

        var failures = await _campaigns.ListFailuresAsync(campaign.Id, 100);
        Assert.DoesNotContain(failures, f => f.Email == newLeader.Email);
        Assert.Equal(["(removed)"], failures.Select(f => f.Email));

        await _campaigns.RetryFailedAsync(campaign.Id);
        await _campaigns.SetStateAsync(campaign.Id, CampaignState.Running, null);
        var summary = await SendAsync(campaign.Id);

        var delivered = DeliveredAddresses(campaign);
        Assert.DoesNotContain(newLeader.Email, delivered);
        Assert.Equal([stays.Email], delivered);
        Assert.Null(await _campaigns.FindEntryAsync(campaign.Id, newLeader.Id));
        Assert.Equal(2, summary.Counts.Sum(c => c.Total));
    }

    [Fact]
    public async Task A_subscriber_row_re_created_with_an_old_id_does_not_inherit_its_campaigns()
    {
        await _subscribers.AddAsync(Leader("stays@xuchang.example.org", "李留"));
        var old = await _subscribers.AddAsync(Leader("old.leader@xuchang.example.org", "张旧"));
        var campaign = await NewCampaignAsync();
        await FailAsync(campaign.Id, old);
        Assert.True(await _subscribers.RemoveAsync(old.Email));

        // A restore from a backup, a manual fix or a sequence reset puts another person's row under the old id.
        await using (var connection = await _database.OpenConnectionAsync())
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText =
                "INSERT INTO subscribers (id, email, name, segments, status, created_at, updated_at) VALUES (@id, 'stranger@xuchang.example.org', '陌生人', 'municipal', 'active', @now, @now)";
            Add(insert, "@id", old.Id);
            Add(insert, "@now", DateTimeOffset.UtcNow);
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Null(await _campaigns.FindEntryAsync(campaign.Id, old.Id));
        Assert.DoesNotContain(await _campaigns.ListFailuresAsync(campaign.Id, 100), f => f.Email == "stranger@xuchang.example.org");
        await _campaigns.RetryFailedAsync(campaign.Id);
        await _campaigns.SetStateAsync(campaign.Id, CampaignState.Running, null);
        await SendAsync(campaign.Id);
        Assert.DoesNotContain("stranger@xuchang.example.org", DeliveredAddresses(campaign));
    }

    private Task<Campaign> NewCampaignAsync() =>
        _campaigns.CreateAsync(
            new NewCampaign("2026-09", "许昌竞争情报快递", [Segments.Municipal], "/tmp/issue.md", "source", CampaignState.Running, null),
            [new StoredVariant(Segments.Municipal, "许昌竞争情报快递 2026年第9期", null, "<p>[[nl:salutation]]</p>", "[[nl:salutation]]")],
            new AudienceFilter([Segments.Municipal]), () => Guid.NewGuid().ToString("N") + "@xcsti.example.org");

    /// <summary>The row of <paramref name="subscriber"/> failed permanently; the campaign is left paused, as a report would find it.</summary>
    private async Task FailAsync(long campaignId, Subscriber subscriber)
    {
        var entry = await _campaigns.FindEntryAsync(campaignId, subscriber.Id) ?? throw new InvalidOperationException("no outbox row");
        await _campaigns.RecordAsync([new DeliveryRecord(entry.Id, subscriber.Id, OutboxStatus.Failed, 1, "554 5.7.1 mailbox unavailable",
            DateTimeOffset.UtcNow, null, false)]);
        await _campaigns.SetStateAsync(campaignId, CampaignState.Paused, "test");
    }

    private Task<SendSummary> SendAsync(long campaignId)
    {
        var messages = new MessageFactory(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });
        var sender = new CampaignSender(_campaigns, _campaigns, new PickupTransport(_pickup.Path), messages, new PlainLinks(), new DeliveryOptions(),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<CampaignSender>.Instance);
        return sender.RunAsync(campaignId, TimeSpan.Zero, null, CancellationToken.None);
    }

    /// <summary>The To addresses of the messages the pickup folder holds for the campaign.</summary>
    private List<string> DeliveredAddresses(Campaign campaign)
    {
        var folder = Path.Combine(_pickup.Path, campaign.BatchName);
        return !Directory.Exists(folder)
            ? []
            : [.. Directory.GetFiles(folder, "*.eml")
                .Select(f => File.ReadLines(f).First(l => l.StartsWith("To:", StringComparison.Ordinal)))
                .Select(l => l[(l.IndexOf('<') + 1)..l.IndexOf('>')])
                .Order(StringComparer.Ordinal)];
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

public sealed class SqliteSubscriberIdentityTests : SubscriberIdentityTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresSubscriberIdentityTests : SubscriberIdentityTests<PostgresTestDatabase>;
