using System.Text;
using Newsletter.Core.Audience.Import;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// An explicit column mapping (<see cref="ImportOptions.Columns"/>, what the web's mapping step posts) on a real store:
/// a list whose e-mail header no synonym knows (联系方式, Mail box) is refused without it and imported with it, and the
/// mapping wins over the synonyms.
/// </summary>
public abstract class ImportColumnMappingTests<TDatabase>() : SubscriberStoreFixture<TDatabase>(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero))
    where TDatabase : TestDatabase, new()
{
    private readonly TempDirectory _dir = new("newsletter-mapping");

    private SubscriberImporter Importer => new(Store);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_sheet_whose_headers_no_synonym_knows_is_imported_with_an_explicit_mapping()
    {
        var path = _dir.File("名单.xlsx");
        XlsxWriter.Write(path,
        [
            ["2026年赠阅名单", null, null, null, null, null],
            ["序号", "人员", "联系方式", "工作部门", "手机", "组"],
            ["1", "王建国", "wang@example.org", "许昌市科学技术局", "13800000001", "市级领导"],
            ["2", "李娜", "不是地址", "许昌远东传动轴股份有限公司", "13800000002", "重点企业"],
            ["3", "张伟", "zhang@example.org", "禹州市人民政府", "13800000003", "county"],
        ]);

        // Without a mapping there is no e-mail column: nothing is stored.
        var refused = await Importer.ImportAsync(path, new ImportOptions());
        Assert.False(refused.Succeeded);
        Assert.Contains("e-mail column", Assert.Single(refused.Errors), StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountAllAsync());

        var mapping = new Dictionary<string, ImportColumn?>
        {
            ["人员"] = ImportColumn.Name,
            ["联系方式"] = ImportColumn.Email,
            ["工作部门"] = ImportColumn.Organisation,
            ["组"] = ImportColumn.Segments,
            ["手机"] = null,
        };
        var summary = await Importer.ImportAsync(path, new ImportOptions { Columns = mapping, Source = "web:名单.xlsx" });

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal((2, 1), (summary.Imported, summary.Rejected));
        Assert.Equal(4, Assert.Single(summary.Rejects).Line);
        Assert.Equal(["序号", "手机"], summary.IgnoredColumns);
        Assert.Equal(["序号"], summary.UnrecognisedColumns);

        var wang = (await Store.FindByEmailAsync("wang@example.org"))!;
        Assert.Equal(("王建国", "许昌市科学技术局", "web:名单.xlsx"), (wang.Name, wang.Organisation, wang.Source));
        Assert.Equal(["municipal"], wang.Segments);
        var zhang = (await Store.FindByEmailAsync("zhang@example.org"))!;
        Assert.Equal(("张伟", "禹州市人民政府"), (zhang.Name, zhang.Organisation));
        Assert.Equal(["county"], zhang.Segments);
        Assert.Equal(2, await Store.CountAllAsync());
    }

    [Fact]
    public async Task The_mapping_wins_over_the_synonyms_in_a_csv()
    {
        // 邮件 is a synonym of the e-mail column, but here it holds old addresses: the mapping ignores it and takes Mail box.
        var path = _dir.File("list.csv");
        File.WriteAllText(path,
            "Mail box,邮件,Full name of person,分组\r\n" +
            "new.wang@example.org,old.wang@example.org,王建国,county\r\n" +
            "new.li@example.org,old.li@example.org,李娜,enterprise\r\n",
            new UTF8Encoding(false));

        var summary = await Importer.ImportAsync(path, new ImportOptions
        {
            Columns = new Dictionary<string, ImportColumn?> { ["Mail box"] = ImportColumn.Email, ["邮件"] = null, ["Full name of person"] = ImportColumn.Name },
        });

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal(2, summary.Imported);
        Assert.Equal(["邮件"], summary.IgnoredColumns);
        Assert.Null(await Store.FindByEmailAsync("old.wang@example.org"));
        Assert.Null(await Store.FindByEmailAsync("old.li@example.org"));
        var wang = (await Store.FindByEmailAsync("new.wang@example.org"))!;
        Assert.Equal("王建国", wang.Name);
        Assert.Equal(["county"], wang.Segments);
        Assert.Equal("李娜", (await Store.FindByEmailAsync("new.li@example.org"))?.Name);
    }
}

public sealed class SqliteImportColumnMappingTests : ImportColumnMappingTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresImportColumnMappingTests : ImportColumnMappingTests<PostgresTestDatabase>;
