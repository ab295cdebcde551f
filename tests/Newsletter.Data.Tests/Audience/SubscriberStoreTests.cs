using Newsletter.Core.Audience;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>The storage contract, run against SQLite files and PostgreSQL databases alike.</summary>
public abstract class SubscriberStoreTests<TDatabase>() : SubscriberStoreFixture<TDatabase>(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero))
    where TDatabase : TestDatabase, new()
{
    private static SubscriberDraft Draft(string email, string name = "王建国", string? title = "局长", params string[] segments) =>
        new(email, name, "许昌市科学技术局", title, segments.Length == 0 ? [Segments.Municipal] : segments, "魏都区", ["新材料", "化工"]);

    [Fact]
    public async Task New_store_is_empty_and_has_the_built_in_segments()
    {
        Assert.Equal(0, await Store.CountAllAsync());
        var segments = await Store.ListSegmentsAsync();
        Assert.Equal(["municipal", "county", "enterprise"], segments.Where(s => s.BuiltIn).Select(s => s.Key));
        Assert.Contains(segments, s => s is { Key: "test-recipients", NameZh: "测试收件人", BuiltIn: false });
        Assert.Equal("市级领导", segments[0].NameZh);
    }

    [Fact]
    public async Task Add_normalises_the_address_and_round_trips_every_field()
    {
        var added = await Store.AddAsync(Draft("  Wang.JianGuo@例子.测试 ") with { Source = "cli", Salutation = null });
        Assert.Equal("wang.jianguo@xn--fsqu00a.xn--0zwm56d", added.Email);
        var found = await Store.FindByEmailAsync("WANG.JIANGUO@例子.测试");
        Assert.NotNull(found);
        Assert.Equivalent(added, found, strict: true);
        Assert.Equal("王建国", found.Name);
        Assert.Equal("许昌市科学技术局", found.Organisation);
        Assert.Equal(["municipal"], found.Segments);
        Assert.Equal(["新材料", "化工"], found.Industries);
        Assert.Equal("魏都区", found.District);
        Assert.Equal(SubscriberStatus.Active, found.Status);
        Assert.Equal("尊敬的王局长", found.Salutation);
        Assert.Equal("cli", found.Source);
        Assert.Equal(Time.GetUtcNow(), found.CreatedAt);
        Assert.Equivalent(found, await Store.FindByIdAsync(found.Id), strict: true);
        Assert.Equal(1, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Stored_salutation_overrides_the_derived_one()
    {
        var added = await Store.AddAsync(Draft("a@example.org") with { Salutation = "尊敬的建国同志" });
        Assert.Equal("尊敬的建国同志", added.Salutation);
    }

    [Fact]
    public async Task Add_refuses_duplicates_and_unknown_segments()
    {
        await Store.AddAsync(Draft("a@example.org"));
        var dup = await Assert.ThrowsAsync<AudienceException>(() => Store.AddAsync(Draft("A@Example.org")));
        Assert.Contains("already", dup.Message);
        var unknown = await Assert.ThrowsAsync<AudienceException>(() => Store.AddAsync(Draft("b@example.org", segments: "nobody")));
        Assert.Contains("unknown segment 'nobody'", unknown.Message);
        Assert.Equal(1, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Segments_resolve_by_chinese_name()
    {
        var added = await Store.AddAsync(Draft("a@example.org", segments: ["县级领导", " Key Enterprises "]));
        Assert.Equal(["county", "enterprise"], added.Segments);
    }

    [Fact]
    public async Task Streaming_returns_each_active_subscriber_once_in_id_order_across_batches()
    {
        var ids = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            var segments = (i % 3) switch { 0 => new[] { "municipal" }, 1 => ["municipal", "county"], _ => ["enterprise"] };
            ids.Add((await Store.AddAsync(Draft($"p{i}@example.org", segments: segments))).Id);
        }
        await Store.UnsubscribeAsync(ids[0], "test");
        await Store.MarkBouncedAsync(ids[1], "550 no such user");

        var streamed = new List<Subscriber>();
        await foreach (var s in Store.StreamActiveAsync(new AudienceFilter(["municipal", "county"]), batchSize: 4))
        {
            streamed.Add(s);
        }
        var expected = Enumerable.Range(0, 23).Where(i => i % 3 != 2 && i > 1).Select(i => ids[i]).ToList();
        Assert.Equal(expected, streamed.Select(s => s.Id));
        Assert.All(streamed, s => Assert.Equal(SubscriberStatus.Active, s.Status));
    }

    [Fact]
    public async Task Streaming_narrows_by_district_and_industry()
    {
        await Store.AddAsync(Draft("a@example.org") with { District = "禹州市", Industries = ["发制品"] });
        await Store.AddAsync(Draft("b@example.org") with { District = "长葛市", Industries = ["发制品", "食品"] });
        await Store.AddAsync(Draft("c@example.org") with { District = "禹州市", Industries = ["建材"] });

        async Task<List<string>> Emails(AudienceFilter f)
        {
            var list = new List<string>();
            await foreach (var s in Store.StreamActiveAsync(f, 10)) list.Add(s.Email);
            return list;
        }
        Assert.Equal(["a@example.org", "c@example.org"], await Emails(new(["municipal"], AudienceTags.Of(["禹州市"], null))));
        Assert.Equal(["a@example.org", "b@example.org"], await Emails(new(["municipal"], AudienceTags.Of(null, ["发制品"]))));
        Assert.Equal(["a@example.org"], await Emails(new(["municipal"], AudienceTags.Of(["禹州市"], ["发制品"]))));
        Assert.Empty(await Emails(new(["county"])));
    }

    [Fact]
    public async Task Streaming_goes_past_batches_that_a_filter_empties()
    {
        // Pages are taken from the memberships, then filtered: six members outside the district fill three pages of two
        // before the one who matches.
        for (var i = 0; i < 6; i++)
        {
            await Store.AddAsync(Draft($"x{i}@example.org", segments: i % 2 == 0 ? ["municipal"] : ["municipal", "county"]) with { District = "长葛市" });
        }
        var match = await Store.AddAsync(Draft("y@example.org", segments: ["county"]) with { District = "禹州市" });

        var streamed = new List<long>();
        await foreach (var s in Store.StreamActiveAsync(new AudienceFilter(["municipal", "county"], AudienceTags.Of(["禹州市"], null)), batchSize: 2))
        {
            streamed.Add(s.Id);
        }

        Assert.Equal([match.Id], streamed);
    }

    [Fact]
    public async Task Unsubscribe_is_idempotent_and_reports_unknown_ids()
    {
        var s = await Store.AddAsync(Draft("a@example.org"));
        Assert.True(await Store.UnsubscribeAsync(s.Id, "link"));
        Assert.True(await Store.UnsubscribeAsync(s.Id, "link"));
        Assert.False(await Store.UnsubscribeAsync(s.Id + 1000, "link"));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Store.FindByIdAsync(s.Id))!.Status);
    }

    [Fact]
    public async Task Counts_per_segment_follow_status_changes()
    {
        var a = await Store.AddAsync(Draft("a@example.org", segments: ["municipal", "county"]));
        await Store.AddAsync(Draft("b@example.org", segments: ["municipal"]));
        await Store.UnsubscribeAsync(a.Id, "link");

        var counts = (await Store.CountBySegmentAsync()).ToDictionary(c => c.Segment.Key);
        Assert.Equal((1L, 1L), (counts["municipal"].Active, counts["municipal"].Unsubscribed));
        Assert.Equal((0L, 1L), (counts["county"].Active, counts["county"].Unsubscribed));
        Assert.Equal(0, counts["enterprise"].Total);
    }

    [Fact]
    public async Task Resubscribe_needs_a_consent_note_and_records_it()
    {
        var s = await Store.AddAsync(Draft("a@example.org"));
        await Store.UnsubscribeAsync(s.Id, "link");
        await Assert.ThrowsAsync<AudienceException>(() => Store.ResubscribeAsync("a@example.org", " "));
        Time.Advance(TimeSpan.FromDays(1));
        Assert.True(await Store.ResubscribeAsync("A@example.org", "电话确认 2026-11-28"));
        var back = (await Store.FindByIdAsync(s.Id))!;
        Assert.Equal(SubscriberStatus.Active, back.Status);
        Assert.Equal(Time.GetUtcNow(), back.ConsentAt);
        Assert.False(await Store.ResubscribeAsync("nobody@example.org", "x"));
    }

    [Fact]
    public async Task Remove_erases_the_row_and_suppresses_the_address()
    {
        var s = await Store.AddAsync(Draft("a@example.org"));
        Assert.True(await Store.RemoveAsync("A@example.org"));
        Assert.Null(await Store.FindByIdAsync(s.Id));
        Assert.True(await Store.IsSuppressedAsync("a@example.org"));
        Assert.Equal(0, (await Store.CountBySegmentAsync()).Sum(c => c.Total));

        var refused = await Assert.ThrowsAsync<AudienceException>(() => Store.AddAsync(Draft("a@example.org")));
        Assert.Contains("suppressed", refused.Message);
        var again = await Store.AddAsync(Draft("a@example.org"), consentNote: "本人来电要求恢复");
        Assert.Equal(SubscriberStatus.Active, again.Status);
        Assert.False(await Store.IsSuppressedAsync("a@example.org"));
    }

    [Fact]
    public async Task Update_replaces_fields_and_segments()
    {
        var s = await Store.AddAsync(Draft("a@example.org"));
        var updated = await Store.UpdateAsync(s.Id, Draft("a@example.org", "欧阳明", "副主任", "county") with { District = null, Industries = [] });
        Assert.NotNull(updated);
        Assert.Equal("尊敬的欧阳副主任", updated.Salutation);
        Assert.Equal(["county"], updated.Segments);
        Assert.Null(updated.District);
        Assert.Empty(updated.Industries);
        var counts = (await Store.CountBySegmentAsync()).ToDictionary(c => c.Segment.Key);
        Assert.Equal(0, counts["municipal"].Total);
        Assert.Equal(1, counts["county"].Active);
        Assert.Null(await Store.UpdateAsync(s.Id + 99, Draft("z@example.org")));
    }

    [Fact]
    public async Task Search_filters_by_text_status_segment_and_tag_with_paging()
    {
        await Store.AddAsync(Draft("zhang@example.org", "张伟") with { Organisation = "长葛市工信局", District = "长葛市" });
        var li = await Store.AddAsync(Draft("li@example.org", "李娜", segments: "enterprise") with { Industries = ["生物医药"] });
        await Store.AddAsync(Draft("wang_x@example.org", "王芳"));
        await Store.UnsubscribeAsync(li.Id, "x");

        async Task<string[]> Q(SubscriberQuery q) => (await Store.SearchAsync(q)).Select(s => s.Email).ToArray();
        Assert.Equal(["zhang@example.org"], await Q(new(Search: "长葛")));
        Assert.Equal(["zhang@example.org"], await Q(new(Search: "ZHANG")));
        Assert.Empty(await Q(new(Search: "%")));
        Assert.Equal(["wang_x@example.org"], await Q(new(Search: "g_x")));
        Assert.Equal(["li@example.org"], await Q(new(Status: SubscriberStatus.Unsubscribed)));
        Assert.Equal(["li@example.org"], await Q(new(Segment: "重点企业")));
        Assert.Equal(["li@example.org"], await Q(new(Tag: "生物医药")));
        Assert.Equal(["zhang@example.org"], await Q(new(Tag: "长葛市")));
        var first = await Store.SearchAsync(new(Limit: 2));
        var rest = await Store.SearchAsync(new(AfterId: first[^1].Id, Limit: 2));
        Assert.Equal(2, first.Count);
        Assert.Single(rest);
    }

    [Fact]
    public async Task Admin_segments_can_be_added_once()
    {
        await Store.AddSegmentAsync(new Segment("science-parks", "科技园区", "Science parks", false));
        Assert.Contains(await Store.ListSegmentsAsync(), s => s.Key == "science-parks" && !s.BuiltIn);
        await Assert.ThrowsAsync<AudienceException>(() => Store.AddSegmentAsync(new Segment("other", "科技园区", "Other", false)));
        await Assert.ThrowsAsync<AudienceException>(() => Store.AddSegmentAsync(new Segment("Bad Key", "x", "y", false)));
        var s = await Store.AddAsync(Draft("a@example.org", segments: "科技园区"));
        Assert.Equal(["science-parks"], s.Segments);
    }

    [Fact]
    public async Task Import_session_is_all_or_nothing()
    {
        await using (var session = await Store.BeginImportAsync())
        {
            Assert.Equal(ImportOutcome.Imported, await session.ApplyAsync(Draft("a@example.org"), update: false));
            Assert.Equal(ImportOutcome.Imported, await session.ApplyAsync(Draft("b@example.org"), update: false));
            // Disposed without commit.
        }
        Assert.Equal(0, await Store.CountAllAsync());

        await using (var session = await Store.BeginImportAsync())
        {
            await session.ApplyAsync(Draft("a@example.org"), update: false);
            await session.CommitAsync();
        }
        Assert.Equal(1, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Import_never_reactivates_and_reports_outcomes()
    {
        var gone = await Store.AddAsync(Draft("gone@example.org"));
        await Store.UnsubscribeAsync(gone.Id, "link");
        await Store.AddAsync(Draft("removed@example.org"));
        await Store.RemoveAsync("removed@example.org");
        await Store.AddAsync(Draft("same@example.org"));
        await Store.AddAsync(Draft("changed@example.org"));
        await Store.AddAsync(Draft("kept@example.org"));

        await using (var session = await Store.BeginImportAsync())
        {
            Assert.Equal(ImportOutcome.Suppressed, await session.ApplyAsync(Draft("gone@example.org"), update: true));
            Assert.Equal(ImportOutcome.Suppressed, await session.ApplyAsync(Draft("Removed@example.org"), update: true));
            Assert.Equal(ImportOutcome.Unchanged, await session.ApplyAsync(Draft("same@example.org"), update: true));
            Assert.Equal(ImportOutcome.Unchanged, await session.ApplyAsync(Draft("kept@example.org", "李四"), update: false));
            Assert.Equal(ImportOutcome.Updated, await session.ApplyAsync(Draft("changed@example.org", "李四", segments: "county"), update: true));
            Assert.Equal(ImportOutcome.Imported, await session.ApplyAsync(Draft("new@example.org"), update: true));
            await session.CommitAsync();
        }
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Store.FindByEmailAsync("gone@example.org"))!.Status);
        Assert.Null(await Store.FindByEmailAsync("removed@example.org"));
        var changed = (await Store.FindByEmailAsync("changed@example.org"))!;
        Assert.Equal(("李四", "county"), (changed.Name, changed.Segments.Single()));
        Assert.NotEqual("李四", (await Store.FindByEmailAsync("kept@example.org"))!.Name);
    }

    /// <summary>
    /// An address given again in the same import — in the same batch or a later one; new, already on the list,
    /// unsubscribed or on the suppression list — is left alone and answered as a duplicate of the first row's line (the
    /// store finds them, not a set in memory, issue 20); the first row's outcome stands.
    /// </summary>
    [Fact]
    public async Task Import_answers_a_repeated_address_as_a_duplicate_of_its_first_line_whatever_became_of_the_first()
    {
        await Store.AddAsync(Draft("old@example.org"));
        var gone = await Store.AddAsync(Draft("gone@example.org"));
        await Store.UnsubscribeAsync(gone.Id, "link");
        await Store.AddAsync(Draft("removed@example.org"));
        await Store.RemoveAsync("removed@example.org");
        SubscriberDraft At(int line, string email, string name = "张三") => Draft(email, name) with { Line = line };

        await using (var session = await Store.BeginImportAsync())
        {
            var first = await session.ApplyBatchAsync(
                [At(2, "new@example.org"), At(3, "old@example.org", "王建国"), At(4, "NEW@example.org", "李四"), At(5, "gone@example.org"),
                 At(6, "removed@example.org"), At(7, "other@example.org")], update: true);
            Assert.Equal(
                [new(ImportOutcome.Imported), new(ImportOutcome.Unchanged), new(ImportOutcome.Duplicate, 2), new(ImportOutcome.Suppressed),
                 new(ImportOutcome.Suppressed), new(ImportOutcome.Imported)], first);
            var second = await session.ApplyBatchAsync(
                [At(9, "old@example.org", "李四"), At(10, "gone@example.org"), At(11, "removed@example.org"), At(12, "other@example.org"),
                 At(13, "fresh@example.org")], update: true);
            Assert.Equal(
                [new(ImportOutcome.Duplicate, 3), new(ImportOutcome.Duplicate, 5), new(ImportOutcome.Duplicate, 6), new(ImportOutcome.Duplicate, 7),
                 new(ImportOutcome.Imported)], second);
            await session.CommitAsync();
        }
        Assert.Equal("张三", (await Store.FindByEmailAsync("new@example.org"))!.Name);
        Assert.Equal("王建国", (await Store.FindByEmailAsync("old@example.org"))!.Name);
        Assert.Equal(5, await Store.CountAllAsync());   // old, gone, new, other, fresh
    }

    [Fact]
    public async Task Data_survives_reopening()
    {
        await Store.AddAsync(Draft("a@example.org"));
        await using var other = Db.Open();
        var store = new SqlSubscriberStore(other, Time);
        Assert.Equal("a@example.org", (await store.FindByEmailAsync("a@example.org"))!.Email);
    }
}

public sealed class SqliteSubscriberStoreTests : SubscriberStoreTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresSubscriberStoreTests : SubscriberStoreTests<PostgresTestDatabase>;
