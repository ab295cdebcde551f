using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// The import's bulk path (issue 20) on a real store: files longer than one batch, duplicates and existing addresses
/// across batches, segment counts kept per batch instead of per row, and all-or-nothing on failure and cancellation.
/// </summary>
public abstract class BulkImportTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TempDirectory _dir = new("newsletter-bulk");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero));
    private TDatabase _db = null!;
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _store = null!;

    // Two batches and a part, so duplicates, existing rows and counts cross batch boundaries.
    private static readonly int Rows = 2 * SubscriberImporter.BatchSize + 37;

    public Task InitializeAsync()
    {
        _db = new TDatabase();
        _database = _db.Open();
        _store = new SqlSubscriberStore(_database, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>
    /// Line n+1 holds user{n}: municipal when n % 10 == 0, else county; every seventh also enterprise. Line 3 is a bad
    /// address; the last line repeats the address of line 5; user4 is already on the list, user6 unsubscribed.
    /// </summary>
    private string WriteList()
    {
        var text = new StringBuilder("姓名,邮箱,类别\n");
        for (var n = 1; n <= Rows; n++)
        {
            var segments = (n % 10 == 0 ? "市级领导" : "县级领导") + (n % 7 == 0 ? ";重点企业" : "");
            var email = n == 2 ? "user2-at-example.org" : n == Rows ? "USER4@example.org" : $"user{n}@example.org";
            text.Append(CultureInfo.InvariantCulture, $"用户{n},{email},\"{segments}\"\n");
        }
        var path = _dir.File("big.csv");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }

    private async Task<Dictionary<string, long>> RecountAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT segment_key || '/' || status, COUNT(*) FROM subscriber_segments GROUP BY segment_key, status";
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private async Task<Dictionary<string, long>> StoredCountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var c in await _store.CountBySegmentAsync())
        {
            if (c.Active > 0) counts[c.Segment.Key + "/active"] = c.Active;
            if (c.Unsubscribed > 0) counts[c.Segment.Key + "/unsubscribed"] = c.Unsubscribed;
            if (c.Bounced > 0) counts[c.Segment.Key + "/bounced"] = c.Bounced;
            if (c.Complained > 0) counts[c.Segment.Key + "/complained"] = c.Complained;
        }
        return counts;
    }

    private async Task SeedAsync()
    {
        await _store.AddAsync(new SubscriberDraft("user4@example.org", "早已在册", null, null, ["municipal"], null, []));
        var six = await _store.AddAsync(new SubscriberDraft("user6@example.org", "已退订", null, null, ["county"], null, []));
        await _store.UnsubscribeAsync(six.Id, "test");
    }

    [Fact]
    public async Task A_list_longer_than_a_batch_is_stored_with_its_duplicates_existing_rows_and_bad_row_handled_and_counts_right()
    {
        await SeedAsync();
        var path = WriteList();

        var summary = await new SubscriberImporter(_store).ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        // Rows - bad line 3 - the duplicate last line - existing user4 - unsubscribed user6.
        Assert.Equal((Rows - 4, 0, 1, 2, 1), (summary.Imported, summary.Updated, summary.Unchanged, summary.Rejected, summary.Suppressed));
        Assert.Equal([3, Rows + 1], summary.Rejects.Select(r => r.Line).Distinct());
        Assert.Contains(summary.Rejects, r => r.Line == Rows + 1 && r.Reason == "duplicate of line 5 (user4@example.org)");
        var rejects = await File.ReadAllLinesAsync(summary.RejectsPath!);
        Assert.StartsWith("用户2,user2-at-example.org,", rejects[1], StringComparison.Ordinal);
        Assert.Equal(Rows - 4 + 2, await _store.CountAllAsync());

        // The counts kept per batch equal a recount of the memberships, and the numbers the file implies.
        var counts = await StoredCountsAsync();
        Assert.Equal(await RecountAsync(), counts);
        var municipal = Enumerable.Range(1, Rows - 1).Count(n => n % 10 == 0) + 1; // + the existing user4
        var enterprise = Enumerable.Range(1, Rows - 1).Count(n => n % 7 == 0 && n != 2 && n != 4 && n != 6);
        Assert.Equal(municipal, counts["municipal/active"]);
        Assert.Equal(enterprise, counts["enterprise/active"]);
        Assert.Equal(1, counts["county/unsubscribed"]);

        // Rows written by the bulk path read back like any other: ids in file order, timestamps, salutation.
        var first = (await _store.FindByEmailAsync("user1@example.org"))!;
        var last = (await _store.FindByEmailAsync($"user{Rows - 1}@example.org"))!;
        Assert.True(first.Id < last.Id);
        Assert.Equal((_time.GetUtcNow(), _time.GetUtcNow(), "import:big.csv"), (first.CreatedAt, first.UpdatedAt, first.Source));
        Assert.Equal(["county", "enterprise"], (await _store.FindByEmailAsync("user7@example.org"))!.Segments);

        // The per-row counting is back for everyone else.
        await _store.AddAsync(new SubscriberDraft("later@example.org", "后来者", null, null, ["enterprise"], null, []));
        Assert.Equal(enterprise + 1, (await StoredCountsAsync())["enterprise/active"]);
        Assert.Equal(await RecountAsync(), await StoredCountsAsync());
    }

    [Fact]
    public async Task Importing_the_same_list_again_changes_nothing_and_update_counts_moved_memberships()
    {
        var path = WriteList();
        var first = await new SubscriberImporter(_store).ImportAsync(path, new ImportOptions());
        var counts = await StoredCountsAsync();

        var again = await new SubscriberImporter(_store).ImportAsync(path, new ImportOptions());
        Assert.Equal((0, first.Imported), (again.Imported, again.Unchanged));
        Assert.Equal(counts, await StoredCountsAsync());

        // Everyone moved to enterprise: memberships deleted and inserted inside the import, counted right.
        File.WriteAllText(path, File.ReadAllText(path).Replace("县级领导", "重点企业", StringComparison.Ordinal).Replace("市级领导", "重点企业", StringComparison.Ordinal));
        var update = await new SubscriberImporter(_store).ImportAsync(path, new ImportOptions { Update = true });
        Assert.Equal(first.Imported, update.Updated + update.Unchanged);
        Assert.Equal(await RecountAsync(), await StoredCountsAsync());
        Assert.Equal(first.Imported, (await StoredCountsAsync())["enterprise/active"]);
    }

    [Fact]
    public async Task A_failure_or_cancellation_after_a_batch_was_written_leaves_nothing_behind()
    {
        await SeedAsync();
        var before = await StoredCountsAsync();
        var path = WriteList();
        var probes = 0;

        using var cts = new CancellationTokenSource();
        var cancelling = new AfterBatchStore(_store, cts.Cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SubscriberImporter(cancelling).ImportAsync(path, new ImportOptions(), cts.Token));
        Assert.Equal(1, cancelling.Batches);
        await AssertUntouched();

        // The address removed by the probe is now suppressed: the next session also takes the suppression path.
        var failing = new AfterBatchStore(_store, () => throw new IOException("disk full"));
        await Assert.ThrowsAsync<IOException>(() => new SubscriberImporter(failing).ImportAsync(path, new ImportOptions()));
        Assert.Equal(1, failing.Batches);
        await AssertUntouched();

        async Task AssertUntouched()
        {
            var probe = $"probe{++probes}@example.org";
            Assert.Equal(2, await _store.CountAllAsync());
            Assert.Equal(before, await StoredCountsAsync());
            Assert.Equal(before, await RecountAsync());
            Assert.False(File.Exists(path + ".rejects.csv"));
            // The counting is intact afterwards (on SQLite the import's transaction had dropped its trigger).
            await _store.AddAsync(new SubscriberDraft(probe, "之后", null, null, ["enterprise"], null, []));
            Assert.Equal(await RecountAsync(), await StoredCountsAsync());
            await _store.RemoveAsync(probe);
        }
    }

    [Fact]
    public async Task Streaming_members_yields_what_streaming_whole_rows_yields_in_the_same_order()
    {
        await SeedAsync();
        await new SubscriberImporter(_store).ImportAsync(WriteList(), new ImportOptions());
        foreach (var filter in new[] { new AudienceFilter(["municipal", "enterprise"]), new AudienceFilter(["county"]), new AudienceFilter(["test-recipients"]) })
        {
            var whole = new List<(long, string)>();
            await foreach (var s in _store.StreamActiveAsync(filter, 100)) whole.Add((s.Id, string.Join('|', s.Segments)));
            var members = new List<(long, string)>();
            await foreach (var m in _store.StreamActiveMembersAsync(filter, 100)) members.Add((m.Id, string.Join('|', m.Segments)));
            Assert.Equal(whole, members);
            Assert.Equal(filter.Segments[0] == "test-recipients", members.Count == 0);
        }
    }

    /// <summary>The real store, whose import session runs <paramref name="afterBatch"/> once the first batch is written.</summary>
    private sealed class AfterBatchStore(SqlSubscriberStore inner, Action afterBatch) : DelegatingSubscriberStore(inner)
    {
        public int Batches { get; private set; }

        public override async Task<ISubscriberImportSession> BeginImportAsync(CancellationToken ct = default) =>
            new Session(await base.BeginImportAsync(ct), this);

        private sealed class Session(ISubscriberImportSession inner, AfterBatchStore owner) : DelegatingImportSession(inner)
        {
            public override async Task<IReadOnlyList<ImportResult>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default)
            {
                var outcomes = await base.ApplyBatchAsync(drafts, update, ct);
                if (++owner.Batches == 1) owner.AfterFirstBatch();
                return outcomes;
            }
        }

        private void AfterFirstBatch() => afterBatch();
    }
}

public sealed class SqliteBulkImportTests : BulkImportTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresBulkImportTests : BulkImportTests<PostgresTestDatabase>;
