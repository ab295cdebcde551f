using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// A campaign's district and industry filter, stored with it on both engines: the outbox holds exactly the matching
/// active subscribers, the tags read back, and issue + segments + tags identify the live campaign.
/// </summary>
public abstract class CampaignTagsTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TestDatabase _db = new TDatabase();
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;
    private SqlCampaignStore _campaigns = null!;

    private static readonly (string Email, string Segment, string? District, string[] Industries, bool Active)[] People =
    [
        ("a@example.org", Segments.Municipal, "禹州市", ["发制品"], true),
        ("b@example.org", Segments.Municipal, "长葛市", ["发制品", "食品"], true),
        ("c@example.org", Segments.County, "禹州市", ["建材"], true),
        ("d@example.org", Segments.County, "禹州市", ["发制品"], false),
        ("e@example.org", Segments.Enterprise, "禹州市", ["发制品"], true),
        ("f@example.org", Segments.County, null, ["发制品"], true),
    ];

    public async Task InitializeAsync()
    {
        _database = _db.Open();
        _subscribers = new SqlSubscriberStore(_database, TimeProvider.System);
        _campaigns = new SqlCampaignStore(_database, _subscribers, TimeProvider.System);
        foreach (var p in People)
        {
            await _subscribers.AddAsync(new SubscriberDraft(p.Email, "王" + p.Email[0], null, null, [p.Segment], p.District, p.Industries,
                p.Active ? SubscriberStatus.Active : SubscriberStatus.Unsubscribed));
        }
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string[] Segs => [Segments.Municipal, Segments.County];

    private Task<Campaign> CreateAsync(AudienceTags tags, string issueKey = "2026-01") =>
        _campaigns.CreateAsync(
            new NewCampaign(issueKey, "许昌竞争情报快递", Segs, "/tmp/issue.md", "source", CampaignState.Running, null),
            [new StoredVariant(Segments.Municipal, "s", null, "<p>x</p>", "x"), new StoredVariant(Segments.County, "s", null, "<p>x</p>", "x")],
            tags.For(Segs), () => Guid.NewGuid().ToString("N") + "@test");

    private async Task<List<string>> RecipientsAsync(long campaignId)
    {
        var emails = new List<string>();
        foreach (var entry in await _campaigns.ClaimAsync(campaignId, "t", 100, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1)))
        {
            emails.Add(entry.Email);
        }
        return [.. emails.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task The_outbox_holds_the_matching_active_subscribers_and_the_tags_are_stored()
    {
        var tags = AudienceTags.Of(["禹州市"], ["发制品"]);
        var created = await CreateAsync(tags);

        string[] expected = [.. People.Where(p => p.Active && Segs.Contains(p.Segment) && p.District == "禹州市" && p.Industries.Contains("发制品"))
            .Select(p => p.Email).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, await RecipientsAsync(created.Id));
        Assert.Equal(["a@example.org"], expected);   // the data leaves one match among near misses

        var read = (await _campaigns.GetAsync(created.Id))!;
        Assert.Equal(["禹州市"], read.Tags.Districts);
        Assert.Equal(["发制品"], read.Tags.Industries);
        Assert.Equal(tags, read.Tags);
        Assert.Equal(tags, Assert.Single(await _campaigns.ListAsync()).Tags);
    }

    [Fact]
    public async Task A_campaign_without_tags_reads_back_none()
    {
        var created = await CreateAsync(AudienceTags.None);
        Assert.True((await _campaigns.GetAsync(created.Id))!.Tags.IsEmpty);
        string[] expected = [.. People.Where(p => p.Active && Segs.Contains(p.Segment)).Select(p => p.Email).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, await RecipientsAsync(created.Id));
    }

    [Fact]
    public async Task Issue_segments_and_tags_identify_the_live_campaign()
    {
        var both = await CreateAsync(AudienceTags.Of(["禹州市", "长葛市"], ["发制品"]));

        // Same tags in another order and spacing: the same campaign.
        Assert.Equal(both.Id, (await _campaigns.FindAsync("2026-01", Segs, AudienceTags.Of([" 长葛市", "禹州市"], ["发制品"])))?.Id);
        Assert.Null(await _campaigns.FindAsync("2026-01", Segs, AudienceTags.None));
        Assert.Null(await _campaigns.FindAsync("2026-01", Segs, AudienceTags.Of(["禹州市"], ["发制品"])));
        Assert.Null(await _campaigns.FindAsync("2026-02", Segs, AudienceTags.Of(["禹州市", "长葛市"], ["发制品"])));

        // Other tags and no tags may live next to it; the same tags twice may not.
        var one = await CreateAsync(AudienceTags.Of(["禹州市"], ["发制品"]));
        var none = await CreateAsync(AudienceTags.None);
        Assert.Equal(none.Id, (await _campaigns.FindAsync("2026-01", Segs, AudienceTags.None))?.Id);
        Assert.Equal(one.Id, (await _campaigns.FindAsync("2026-01", Segs, AudienceTags.Of(["禹州市"], ["发制品"])))?.Id);
        await Assert.ThrowsAsync<CampaignExistsException>(() => CreateAsync(AudienceTags.Of(["长葛市", "禹州市"], ["发制品"])));

        // Cancelled, it no longer counts, and the same tags may start anew.
        await _campaigns.SetStateAsync(both.Id, CampaignState.Cancelled, null);
        Assert.Null(await _campaigns.FindAsync("2026-01", Segs, AudienceTags.Of(["禹州市", "长葛市"], ["发制品"])));
        var again = await CreateAsync(AudienceTags.Of(["禹州市", "长葛市"], ["发制品"]));
        Assert.NotEqual(both.Id, again.Id);
    }

    [Fact]
    public async Task Known_districts_are_the_citys_and_those_on_the_list()
    {
        await _subscribers.AddAsync(new SubscriberDraft("g@example.org", "王g", null, null, [Segments.County], "许昌市城乡一体化示范区", []));
        var stored = await _subscribers.ListDistrictsAsync();
        Assert.Equal(["禹州市", "许昌市城乡一体化示范区", "长葛市"], stored);

        var tags = AudienceTags.Resolve(["许昌市 城乡一体化示范区", "襄城县"], ["新 材料"], stored);
        Assert.Equal(["襄城县", "许昌市城乡一体化示范区"], tags.Districts);
        Assert.Equal(["新材料"], tags.Industries);
        var unknown = Assert.Throws<AudienceTagException>(() => AudienceTags.Resolve(["长葛"], [], stored));
        Assert.Contains("长葛", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("长葛市", unknown.Hint, StringComparison.Ordinal);
    }
}

public sealed class SqliteCampaignTagsTests : CampaignTagsTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresCampaignTagsTests : CampaignTagsTests<PostgresTestDatabase>;
