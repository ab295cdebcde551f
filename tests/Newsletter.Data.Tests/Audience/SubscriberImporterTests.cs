using System.Text;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>The importer and exporter on a real store: SQLite here, PostgreSQL in the subclass below.</summary>
public abstract class SubscriberImporterTests<TDatabase>() : ImportFixture<TDatabase>(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), "newsletter-import")
    where TDatabase : TestDatabase, new()
{
    private const string ChineseHeader = "姓名,邮箱,单位,职务,类别,区县,行业";

    private string Csv(string name, string text, Encoding? encoding = null)
    {
        var path = Dir.File(name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(text));
        return path;
    }

    private async Task<List<Subscriber>> All() => [.. await Store.SearchAsync(new SubscriberQuery(Limit: 10_000))];

    [Fact]
    public async Task Imports_a_chinese_header_list()
    {
        var path = Csv("list.csv", ChineseHeader + "\r\n" +
            "王建国,Wang.JG@Example.org,许昌市科学技术局,局长,市级领导,魏都区,新材料、化工\r\n" +
            "欧阳明,ouyang@example.org,禹州市人民政府,副市长,\"县级领导,市级领导\",禹州市,\r\n" +
            "李娜,lina@example.test,许昌远东传动轴股份有限公司,总经理,enterprise,,装备制造\r\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal((3, 0, 0, 0, 0), (summary.Imported, summary.Updated, summary.Unchanged, summary.Rejected, summary.Suppressed));
        Assert.Null(summary.RejectsPath);
        Assert.False(File.Exists(path + ".rejects.csv"));
        var wang = (await Store.FindByEmailAsync("wang.jg@example.org"))!;
        Assert.Equal(("王建国", "许昌市科学技术局", "局长", "魏都区"), (wang.Name, wang.Organisation, wang.Title, wang.District));
        Assert.Equal(["municipal"], wang.Segments);
        Assert.Equal(["新材料", "化工"], wang.Industries);
        Assert.Equal("尊敬的王局长", wang.Salutation);
        Assert.Equal("import:list.csv", wang.Source);
        var ouyang = (await Store.FindByEmailAsync("ouyang@example.org"))!;
        Assert.Equal(["county", "municipal"], ouyang.Segments);
        Assert.Equal("尊敬的欧阳副市长", ouyang.Salutation);
    }

    [Fact]
    public async Task English_headers_any_case_tab_separated_with_default_segment()
    {
        var path = Csv("list.tsv", " Name \tE-Mail\tORGANISATION\n张伟\tzhang@example.org\t建安区科技局\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions { Segment = "县级领导" });
        Assert.Equal(1, summary.Imported);
        Assert.Equal(["county"], (await Store.FindByEmailAsync("zhang@example.org"))!.Segments);
    }

    [Fact]
    public async Task Gbk_file_without_encoding_option_is_detected()
    {
        var path = Csv("gbk.csv", ChineseHeader + "\r\n王建国,wang@example.org,许昌市科学技术局,局长,市级领导,鄢陵县,轻纺\r\n",
            Encoding.GetEncoding("GBK"));
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(1, summary.Imported);
        Assert.Equal("gb18030", summary.Encoding);
        var s = (await Store.FindByEmailAsync("wang@example.org"))!;
        Assert.Equal(("王建国", "鄢陵县", "轻纺"), (s.Name, s.District, s.Industries.Single()));
    }

    [Fact]
    public async Task Gbk_file_read_as_utf8_is_a_clear_error_and_stores_nothing()
    {
        var path = Csv("gbk.csv", ChineseHeader + "\r\n王建国,wang@example.org,许昌市科学技术局,局长,市级领导,,\r\n", Encoding.GetEncoding("GBK"));
        var summary = await Importer.ImportAsync(path, new ImportOptions { Encoding = "utf-8" });
        Assert.False(summary.Succeeded);
        Assert.Contains("--encoding gbk", summary.Errors.Single());
        Assert.Equal(0, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Mixed_line_endings_import_every_row_with_right_line_numbers()
    {
        var path = Csv("mixed.csv", "姓名,邮箱,类别\r\n甲,a@example.org,county\n乙,b@example.org,county\r丙,bad-address,county\r\n丁,d@example.org,county");
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(3, summary.Imported);
        Assert.Equal(new ImportReject(4, "邮箱", "'bad-address' is not an email address (expected name@domain)"), summary.Rejects.Single());
    }

    [Fact]
    public async Task Header_injection_formulas_and_huge_fields_are_rejected_with_line_and_column()
    {
        var path = Csv("bad.csv", "姓名,邮箱,单位,类别\n" +
            "\"王建国\r\nBcc: victim@example.org\",wang@example.org,许昌,municipal\n" +
            "李娜,lina@example.org,\"=HYPERLINK(\"\"http://evil.test\"\",\"\"点击\"\")\",municipal\n" +
            "张伟," + new string('z', 10 * 1024 * 1024) + "@example.org,许昌,municipal\n" +
            "赵六,zhao@example.org,许昌,municipal\n" +
            "钱七,qian@example.org,许昌,乡镇领导\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded);
        Assert.Equal(1, summary.Imported);
        Assert.Equal(4, summary.Rejected);
        Assert.Equal([(2, "姓名"), (4, "单位"), (5, "邮箱"), (7, "类别")], summary.Rejects.Select(r => (r.Line, r.Column)));
        Assert.Contains("control character", summary.Rejects[0].Reason);
        Assert.Contains("formula", summary.Rejects[1].Reason);
        Assert.Contains("longer than", summary.Rejects[2].Reason);
        Assert.Contains("unknown segment '乡镇领导'", summary.Rejects[3].Reason);
        Assert.Equal(["zhao@example.org"], (await All()).Select(s => s.Email));

        // The rejects file: the original header and rows plus 原因, readable by our own CSV reader, with formulas neutralised.
        var rejectRows = CsvTableReader.Read(summary.RejectsPath!, Encoding.UTF8).ToList();
        Assert.Equal(["姓名", "邮箱", "单位", "类别", "原因"], rejectRows[0].Cells);
        Assert.Equal(["王建国\r\nBcc: victim@example.org", "李娜", "张伟", "钱七"], rejectRows.Skip(1).Select(r => r.Cells[0]));
        Assert.Equal("'=HYPERLINK(\"http://evil.test\",\"点击\")", rejectRows[2].Cells[2]);
        Assert.StartsWith("单位: starts with = + - or @", rejectRows[2].Cells[4]);
        Assert.DoesNotContain(rejectRows.SelectMany(r => r.Cells), c => c.StartsWith('='));
    }

    [Fact]
    public async Task Empty_file_only_header_and_unknown_columns_are_clear_errors()
    {
        var empty = await Importer.ImportAsync(Csv("empty.csv", ""), new ImportOptions());
        Assert.Contains("is empty", empty.Errors.Single());

        var headerOnly = await Importer.ImportAsync(Csv("header.csv", ChineseHeader + "\r\n\r\n"), new ImportOptions());
        Assert.Contains("no subscribers", headerOnly.Errors.Single());

        var noSegment = await Importer.ImportAsync(Csv("noseg.csv", "姓名,邮箱\n王,w@example.org\n"), new ImportOptions());
        Assert.Contains("--segment", noSegment.Errors.Single());

        var missing = await Importer.ImportAsync(Dir.File("nope.csv"), new ImportOptions());
        Assert.Contains("does not exist", missing.Errors.Single());

        var noEmail = await Importer.ImportAsync(Csv("noemail.csv", "姓名,手机,类别\n王,138,municipal\n"), new ImportOptions());
        Assert.Equal($"noemail.csv has no e-mail column in its first 30 rows: name one {ImportColumns.Describe(ImportColumn.Email)}", noEmail.Errors.Single());
        Assert.Contains("邮箱地址", noEmail.Errors.Single());

        Assert.Equal(0, await Store.CountAllAsync());

        // An unknown column is no error any more (issue 19): ignored, and named once.
        var unknown = await Importer.ImportAsync(Csv("unknown.csv", "姓名,邮箱,手机,类别\n王,w@example.org,138,municipal\n"), new ImportOptions());
        Assert.True(unknown.Succeeded, string.Join("; ", unknown.Errors));
        Assert.Equal(["手机"], unknown.IgnoredColumns);
        Assert.Equal(1, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Duplicates_within_the_file_are_reported_not_imported_twice()
    {
        var path = Csv("dup.csv", "姓名,邮箱,类别\n甲,a@example.org,county\n乙, A@EXAMPLE.org ,county\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(1, summary.Imported);
        Assert.Contains("duplicate of line 2", summary.Rejects.Single().Reason);
        Assert.Equal("甲", (await Store.FindByEmailAsync("a@example.org"))!.Name);
    }

    /// <summary>
    /// The store finds repeated addresses after the row's checks (issue 20): the rejects file still lists every refused
    /// row in file order, and a repeat's tag warnings do not count.
    /// </summary>
    [Fact]
    public async Task Rejects_keep_file_order_when_duplicates_and_bad_rows_interleave()
    {
        var path = Csv("mixed.csv", "姓名,邮箱,类别,区县\n甲,a@example.org,county,\n乙,A@example.org,county,火星区\n丙,bad-address,county,\n" +
            "丁,b@example.org,county,火星区\n戊,a@example.org,county,\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal((2, 3), (summary.Imported, summary.Rejected));
        Assert.Equal([3, 4, 6], summary.Rejects.Select(r => r.Line));
        Assert.Equal(["duplicate of line 2 (a@example.org)", "duplicate of line 2 (a@example.org)"],
            summary.Rejects.Where(r => r.Line != 4).Select(r => r.Reason));
        var lines = await File.ReadAllLinesAsync(summary.RejectsPath!);
        Assert.Equal(["乙,", "丙,", "戊,"], lines.Skip(1).Select(l => l[..2]));
        Assert.Equal([5], summary.Warnings.Select(w => w.Line));
    }

    [Fact]
    public async Task Unsubscribed_bounced_and_removed_addresses_stay_inactive()
    {
        var u = await Store.AddAsync(new SubscriberDraft("u@example.org", "甲", null, null, ["county"], null, []));
        var b = await Store.AddAsync(new SubscriberDraft("b@example.org", "乙", null, null, ["county"], null, []));
        await Store.AddAsync(new SubscriberDraft("r@example.org", "丙", null, null, ["county"], null, []));
        await Store.UnsubscribeAsync(u.Id, "link");
        await Store.MarkBouncedAsync(b.Id, "550");
        await Store.RemoveAsync("r@example.org");

        var path = Csv("again.csv", "姓名,邮箱,类别\n甲,u@example.org,county\n乙,b@example.org,county\n丙,r@example.org,county\n");
        var summary = await Importer.ImportAsync(path, new ImportOptions { Update = true });
        Assert.Equal((0, 0, 3), (summary.Imported, summary.Updated, summary.Suppressed));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Store.FindByEmailAsync("u@example.org"))!.Status);
        Assert.Equal(SubscriberStatus.Bounced, (await Store.FindByEmailAsync("b@example.org"))!.Status);
        Assert.Null(await Store.FindByEmailAsync("r@example.org"));
    }

    [Fact]
    public async Task Update_changes_fields_only_when_asked_and_dry_run_stores_nothing()
    {
        await Importer.ImportAsync(Csv("v1.csv", "姓名,邮箱,职务,类别\n王建国,w@example.org,局长,county\n"), new ImportOptions());
        var v2 = Csv("v2.csv", "姓名,邮箱,职务,类别\n王建国,w@example.org,副市长,county\n李娜,l@example.org,,county\n");

        var dry = await Importer.ImportAsync(v2, new ImportOptions { Update = true, DryRun = true });
        Assert.Equal((1, 1, true), (dry.Imported, dry.Updated, dry.DryRun));
        Assert.Equal(1, await Store.CountAllAsync());
        Assert.Equal("局长", (await Store.FindByEmailAsync("w@example.org"))!.Title);

        var noUpdate = await Importer.ImportAsync(v2, new ImportOptions());
        Assert.Equal((1, 0, 1), (noUpdate.Imported, noUpdate.Updated, noUpdate.Unchanged));
        Assert.Equal("局长", (await Store.FindByEmailAsync("w@example.org"))!.Title);

        var update = await Importer.ImportAsync(v2, new ImportOptions { Update = true });
        Assert.Equal((0, 1, 1), (update.Imported, update.Updated, update.Unchanged));
        Assert.Equal("尊敬的王副市长", (await Store.FindByEmailAsync("w@example.org"))!.Salutation);
    }

    [Fact]
    public async Task A_store_failure_mid_file_leaves_nothing_behind()
    {
        var path = Csv("fail.csv", "姓名,邮箱,类别\n甲,a@example.org,county\n乙,b@example.org,county\n丙,c@example.org,county\n");
        var failing = new FailingStore(Store, failAtRow: 3);
        await Assert.ThrowsAsync<IOException>(() => new SubscriberImporter(failing).ImportAsync(path, new ImportOptions()));
        Assert.Equal(0, await Store.CountAllAsync());
        Assert.False(File.Exists(path + ".rejects.csv.tmp"));
    }

    [Fact]
    public async Task Export_round_trips_through_import_and_neutralises_formulas()
    {
        await Importer.ImportAsync(Csv("list.csv", ChineseHeader + ",状态,称呼\n" +
            "王建国,wang@example.org,\"许昌市科学技术局, 办公室\",局长,\"市级领导,县级领导\",魏都区,新材料、化工,,\n" +
            "李娜,lina@example.org,\"说 \"\"你好\"\"\",,重点企业,,,unsubscribed,李总\n" +
            "张伟,zhang@example.org,,,测试收件人,,,,\n"), new ImportOptions());
        // A formula-like value that reached the store by another way than the importer.
        var odd = await Store.AddAsync(new SubscriberDraft("odd@example.org", "=cmd|' /C calc'!A0", "-2+3", null, ["county"], null, []));
        var before = await All();

        var export = Dir.File("export.csv");
        Assert.Equal(4, await new SubscriberExporter(Store).ExportAsync(export));
        var lines = await File.ReadAllLinesAsync(export);
        Assert.Contains(lines, l => l.StartsWith("odd@example.org,'=cmd", StringComparison.Ordinal) && l.Contains(",'-2+3,", StringComparison.Ordinal));

        // Into the same store: nothing changes (the formula row is rejected by the validator, never re-imported).
        var again = await Importer.ImportAsync(export, new ImportOptions { Update = true });
        Assert.Equal((0, 0, 2, 1, 1), (again.Imported, again.Updated, again.Unchanged, again.Rejected, again.Suppressed));
        Assert.Equivalent(before, await All(), strict: true);

        // Into a fresh store: the same people, fields and statuses.
        await using var otherDb = new SqliteTestDatabase();
        await using var otherDatabase = otherDb.Open();
        var other = new SqlSubscriberStore(otherDatabase, Time);
        var fresh = await new SubscriberImporter(other).ImportAsync(export, new ImportOptions());
        Assert.Equal(3, fresh.Imported);
        var copied = await other.SearchAsync(new SubscriberQuery());
        Assert.Equivalent(
            before.Where(s => s.Id != odd.Id).Select(s => new { s.Email, s.Name, s.Organisation, s.Title, s.Segments, s.District, s.Industries, s.Status, s.Salutation }),
            copied.Select(s => new { s.Email, s.Name, s.Organisation, s.Title, s.Segments, s.District, s.Industries, s.Status, s.Salutation }),
            strict: true);
        Assert.Equal("李总", copied.Single(s => s.Email == "lina@example.org").Salutation);
    }

    [Fact]
    public async Task Xlsx_first_sheet_with_a_merged_title_row()
    {
        var path = Dir.File("list.xlsx");
        XlsxWriter.Write(path,
        [
            ["许昌市重点企业联系人名单", null, null, null],
            ["姓名", "电子邮箱", "单位", "分类"],
            ["李娜", "lina@example.org", "许昌远东传动轴股份有限公司", "重点企业"],
            ["张伟", "zhang@example.org", "河南黄河旋风股份有限公司", null],
            ["王芳", "not-an-address", "森源电气", "重点企业"],
        ], merges: ["A1:D1"]);
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(1, summary.Imported);
        Assert.Equal([(4, "分类"), (5, "电子邮箱")], summary.Rejects.Select(r => (r.Line, r.Column)));
    }

    [Fact]
    public async Task Xlsx_merged_data_cells_reject_the_rows_left_blank()
    {
        var path = Dir.File("merged.xlsx");
        XlsxWriter.Write(path,
        [
            ["姓名", "邮箱", "类别"],
            ["李娜", "lina@example.org", "重点企业"],
            ["张伟", "zhang@example.org", null],
        ], merges: ["C2:C3"]);
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(1, summary.Imported);
        Assert.Equal(3, summary.Rejects.Single().Line);
        var withDefault = await Importer.ImportAsync(path, new ImportOptions { Segment = "enterprise" });
        Assert.Equal((1, 1), (withDefault.Imported, withDefault.Unchanged));
    }

    [Fact]
    public async Task Xlsx_with_an_empty_first_sheet_reads_the_next_and_csv_named_xlsx_is_read_as_csv()
    {
        var path = Dir.File("empty-first.xlsx");
        XlsxWriter.Write(path, [["姓名", "邮箱", "类别"], ["李娜", "lina@example.org", "重点企业"]], emptyFirstSheet: true);
        var summary = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(("名单", 1), (summary.Sheet, summary.Imported));

        var fake = Csv("fake.xlsx", "姓名,邮箱\n王,wang@example.org\n");
        var csv = await Importer.ImportAsync(fake, new ImportOptions { Segment = "county" });
        Assert.Equal(("utf-8", 1), (csv.Encoding, csv.Imported));

        var damaged = Dir.File("damaged.xlsx");
        File.WriteAllBytes(damaged, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6]);
        Assert.Contains("not a readable Excel workbook", (await Importer.ImportAsync(damaged, new ImportOptions())).Errors.Single());
        Assert.Equal(2, await Store.CountAllAsync());
    }

    /// <summary>The real store, whose import session fails with an I/O fault at the given row.</summary>
    private sealed class FailingStore(ISubscriberStore inner, int failAtRow) : DelegatingSubscriberStore(inner)
    {
        public override async Task<ISubscriberImportSession> BeginImportAsync(CancellationToken ct = default) =>
            new Session(await base.BeginImportAsync(ct), failAtRow);

        private sealed class Session(ISubscriberImportSession inner, int failAt) : DelegatingImportSession(inner)
        {
            private int _rows;

            public override Task<ImportOutcome> ApplyAsync(SubscriberDraft draft, bool update, CancellationToken ct = default) =>
                ++_rows == failAt ? throw new IOException("disk full") : base.ApplyAsync(draft, update, ct);

            // Applies the rows, then fails: what was written in the transaction must not survive.
            public override async Task<IReadOnlyList<ImportResult>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default)
            {
                var outcomes = await base.ApplyBatchAsync(drafts, update, ct);
                _rows += drafts.Count;
                return _rows >= failAt ? throw new IOException("disk full") : outcomes;
            }
        }
    }
}

public sealed class SqliteSubscriberImporterTests : SubscriberImporterTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresSubscriberImporterTests : SubscriberImporterTests<PostgresTestDatabase>;
