using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using ExcelDataReader;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// Lists as the institute receives them (issue 19): sheets with 序号/手机/备注 columns and a 填表说明 sheet in front,
/// full-width characters, district typos, GB18030 and UTF-16 text, a Word document sent by mistake — on a real store.
/// </summary>
public abstract class SheetImportTests<TDatabase>() : ImportFixture<TDatabase>(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero), "newsletter-sheets")
    where TDatabase : TestDatabase, new()
{
    private static readonly string?[][] Instructions =
    [
        ["填表说明"],
        ["1. 请在“名单”工作表中填写，每人一行。"],
        ["2. 分组填写：市级领导、县级领导或重点企业。"],
    ];

    private static readonly string?[] OfficeHeader = ["序号", "姓名", "手机", "邮箱地址", "单位", "分组", "区县", "行业", "备注"];

    /// <summary>The sheet as an office sends it: a merged title row, 序号/手机/备注 columns, full-width ＠ ；，and spaces, typos.</summary>
    private static readonly string?[][] OfficeList =
    [
        ["2026年《许昌竞争情报快递》赠阅名单", null, null, null, null, null, null, null, null],
        OfficeHeader,
        ["1", "王建国", "13800000001", "wang＠example.org", "许昌市科学技术局（办公室）", "市级领导；县级领导", "鄢林县", "新材料，人工智能", "局长"],
        ["2", "李娜", "13800000002", "\u3000lina@example.org\u3000", "许昌远东传动轴股份有限公司", "重点企业", "鄢陵", "发制品", null],
        ["3", "张伟", "13800000003", "zhang.example.org", "禹州市人民政府", "县级领导", "禹州市", null, "邮箱待核实"],
        ["4", "赵六", "13800000004", "ｚｈａｏ@example.org", "许昌市发展和改革委员会", "市级领导", "许昌", null, null],
        ["5", "钱七", "13800000005", "qian@example.org", "建安区椹涧乡", "乡镇领导", "建安区", null, null],
    ];

    [Fact]
    public async Task An_office_workbook_with_instructions_first_imports_as_it_is_with_one_warning_line_and_row_warnings()
    {
        var path = Dir.File("赠阅名单.xlsx");
        XlsxWriter.WriteSheets(path, ("填表说明", Instructions), ("名单", OfficeList));

        var summary = await Importer.ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal("名单", summary.Sheet);
        Assert.Equal(["序号", "手机", "备注"], summary.IgnoredColumns);
        Assert.Equal((3, 2), (summary.Imported, summary.Rejected));

        var wang = (await Store.FindByEmailAsync("wang@example.org"))!;
        Assert.Equal(("王建国", "许昌市科学技术局（办公室）", "鄢陵县"), (wang.Name, wang.Organisation, wang.District));
        Assert.Equal(["county", "municipal"], wang.Segments.Order());
        Assert.Equal(["新材料"], wang.Industries);
        var lina = (await Store.FindByEmailAsync("lina@example.org"))!;
        Assert.Equal(("鄢陵县", "发制品"), (lina.District, lina.Industries.Single()));
        var zhao = (await Store.FindByEmailAsync("zhao@example.org"))!;
        Assert.Null(zhao.District);

        (int Line, string Column, string Start)[] expected =
        [
            (3, "区县", "'鄢林县' is not a known district; stored as 鄢陵县"),
            (3, "行业", "'人工智能' is not one of the industries"),
            (4, "区县", "'鄢陵' is not a known district; stored as 鄢陵县"),
            (6, "区县", "'许昌' could be 许昌经济技术开发区 or 许昌城乡一体化示范区; left empty"),
        ];
        Assert.Equal(expected.Select(e => (e.Line, e.Column)), summary.Warnings.Select(w => (w.Line, w.Column)));
        Assert.All(expected.Zip(summary.Warnings), p => Assert.StartsWith(p.First.Start, p.Second.Message));
        Assert.Equal(4, summary.WarningCount);

        Assert.Equal([(5, "邮箱地址"), (7, "分组")], summary.Rejects.Select(r => (r.Line, r.Column)));
    }

    [Fact]
    public async Task The_rejects_file_holds_the_original_rows_and_imports_as_it_is_once_fixed_in_excel()
    {
        var path = Dir.File("赠阅名单.xlsx");
        XlsxWriter.WriteSheets(path, ("填表说明", Instructions), ("名单", OfficeList));
        var first = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(path + ".rejects.csv", first.RejectsPath);

        // Every original column, in the original order, plus 原因.
        var rejects = CsvTableReader.Read(first.RejectsPath!, Encoding.UTF8).ToList();
        Assert.Equal([.. OfficeHeader.Select(h => h!), "原因"], rejects[0].Cells);
        Assert.Equal(["3", "张伟", "13800000003", "zhang.example.org", "禹州市人民政府", "县级领导", "禹州市", "", "邮箱待核实"], rejects[1].Cells.Take(9));
        Assert.Contains("邮箱地址: 'zhang.example.org' is not an email address", rejects[1].Cells[9]);
        Assert.Equal(["5", "钱七", "13800000005", "qian@example.org", "建安区椹涧乡", "乡镇领导", "建安区", "", ""], rejects[2].Cells.Take(9));
        Assert.Contains("unknown segment '乡镇领导'", rejects[2].Cells[9]);

        // Fixed in Excel and saved as Excel on a Chinese Windows saves CSV: GB18030, CRLF, the 原因 column left in.
        var fixedRows = rejects.Select(r => r.Cells.ToArray()).ToList();
        fixedRows[1][3] = "zhang@example.org";
        fixedRows[2][5] = "县级领导";
        var fixedPath = Dir.File("rejects-fixed.csv");
        File.WriteAllBytes(fixedPath, Encoding.GetEncoding("GB18030").GetBytes(string.Concat(fixedRows.Select(r => CsvText.Line(r) + "\r\n"))));

        var second = await Importer.ImportAsync(fixedPath, new ImportOptions());

        Assert.True(second.Succeeded, string.Join("; ", second.Errors));
        Assert.Equal((2, 0, "gb18030"), (second.Imported, second.Rejected, second.Encoding));
        Assert.Equal(["序号", "手机", "备注"], second.IgnoredColumns); // 原因 is known: no warning about it
        Assert.Equal(["county"], (await Store.FindByEmailAsync("zhang@example.org"))!.Segments);
        Assert.Equal("建安区", (await Store.FindByEmailAsync("qian@example.org"))!.District);
        Assert.Equal(5, await Store.CountAllAsync());
        Assert.False(File.Exists(fixedPath + ".rejects.csv"));
    }

    [Fact]
    public async Task A_legacy_workbook_as_wps_et_or_xls_with_instructions_first_imports_like_the_xlsx()
    {
        var path = Dir.File("赠阅名单.et");
        XlsWriter.Write(path, ("填表说明", Instructions), ("名单", OfficeList));

        var summary = await Importer.ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal(("名单", 3, 2), (summary.Sheet, summary.Imported, summary.Rejected));
        Assert.Equal(["序号", "手机", "备注"], summary.IgnoredColumns);
        Assert.Equal([(5, "邮箱地址"), (7, "分组")], summary.Rejects.Select(r => (r.Line, r.Column)));
        Assert.Equal("鄢陵县", (await Store.FindByEmailAsync("wang@example.org"))!.District);
        Assert.Equal(4, summary.WarningCount);

        var byNumber = await Importer.ImportAsync(path, new ImportOptions { Sheet = "1" });
        Assert.StartsWith("sheet '1' of 赠阅名单.et has no e-mail column", byNumber.Errors.Single());
    }

    [Fact]
    public async Task A_word_97_document_is_told_from_an_xls_by_its_streams()
    {
        var xls = Dir.File("list.xls");
        XlsWriter.Write(xls, ("Sheet1", [["姓名", "邮箱", "分组"], ["李娜", "lina@example.org", "重点企业"]]));
        var doc = Dir.File("名单.doc");
        // The same container with a WordDocument stream instead: what Word 97–2003 writes.
        var bytes = File.ReadAllBytes(xls);
        var name = Encoding.Unicode.GetBytes("Workbook");
        var at = bytes.AsSpan().IndexOf(name);
        var word = new byte[64];
        Encoding.Unicode.GetBytes("WordDocument").CopyTo(word, 0);
        word.CopyTo(bytes, at);
        bytes[at + 64] = (byte)(("WordDocument".Length + 1) * 2);
        File.WriteAllBytes(doc, bytes);

        Assert.Equal(1, (await Importer.ImportAsync(xls, new ImportOptions())).Imported);
        Assert.Equal("名单.doc is a Word document, not a list — save the sheet as .xlsx or .csv",
            (await Importer.ImportAsync(doc, new ImportOptions())).Errors.Single());
    }

    [Fact]
    public async Task Sheet_is_chosen_by_name_or_number_and_an_unknown_one_names_the_sheets()
    {
        var path = Dir.File("两级.xlsx");
        XlsxWriter.WriteSheets(path,
            ("市级", [["姓名", "邮箱", "分组"], ["王建国", "wang@example.org", "市级领导"]]),
            ("县级", [["姓名", "电子邮箱", "类别"], ["孙国华", "sun@example.org", "县级领导"], ["周海燕", "zhou@example.org", "县级领导"]]));

        var byName = await Importer.ImportAsync(path, new ImportOptions { Sheet = "县级", DryRun = true });
        Assert.Equal(("县级", 2), (byName.Sheet, byName.Imported));
        var byNumber = await Importer.ImportAsync(path, new ImportOptions { Sheet = "2" });
        Assert.Equal(("县级", 2), (byNumber.Sheet, byNumber.Imported));
        Assert.Null(await Store.FindByEmailAsync("wang@example.org"));

        var unknown = await Importer.ImportAsync(path, new ImportOptions { Sheet = "乡级" });
        Assert.Equal("两级.xlsx has no sheet '乡级' (sheets: 1 市级, 2 县级); give --sheet a name or a number from that list", unknown.Errors.Single());

        var instructionsOnly = Dir.File("说明.xlsx");
        XlsxWriter.WriteSheets(instructionsOnly, ("填表说明", Instructions));
        var none = await Importer.ImportAsync(instructionsOnly, new ImportOptions());
        Assert.StartsWith("no sheet of 说明.xlsx has an e-mail column (邮箱, email, 邮箱地址", none.Errors.Single());
        Assert.Contains("sheets: 1 填表说明", none.Errors.Single());
        Assert.Equal(2, await Store.CountAllAsync());
    }

    [Fact]
    public async Task A_gb18030_csv_with_synonym_headers_and_full_width_separators()
    {
        var path = Dir.File("名单.csv");
        File.WriteAllBytes(path, Encoding.GetEncoding("GB18030").GetBytes(
            "序号,名字,Email Address,类别,县区,关注行业,手机\r\n" +
            "1,孙国华,ｓｕｎ＠example.org,县级领导、市级领导,魏都区,智能装备；新材料,138\r\n" +
            "2,欧阳明,ouyang@example.org,重点企业,禹州市,新材料产业,139\r\n"));

        var summary = await Importer.ImportAsync(path, new ImportOptions());

        Assert.True(summary.Succeeded, string.Join("; ", summary.Errors));
        Assert.Equal(("gb18030", 2), (summary.Encoding, summary.Imported));
        Assert.Equal(["序号", "手机"], summary.IgnoredColumns);
        var sun = (await Store.FindByEmailAsync("sun@example.org"))!;
        Assert.Equal(["county", "municipal"], sun.Segments.Order());
        Assert.Equal(["智能装备", "新材料"], sun.Industries);
        Assert.Equal(["新材料"], (await Store.FindByEmailAsync("ouyang@example.org"))!.Industries);
        Assert.Equal((3, "关注行业"), (summary.Warnings.Single().Line, summary.Warnings.Single().Column));
    }

    [Fact]
    public async Task Unicode_text_as_excel_saves_it_utf16_tab_separated_is_read()
    {
        var path = Dir.File("unicode.txt");
        File.WriteAllBytes(path, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(
            "姓名\t电子邮件\t分组\r\n李娜\tlina@example.org\t重点企业\r\n")]);
        var withBom = await Importer.ImportAsync(path, new ImportOptions());
        Assert.Equal(("utf-16", 1), (withBom.Encoding, withBom.Imported));

        var noBom = Dir.File("unicode-nobom.csv");
        File.WriteAllBytes(noBom, Encoding.Unicode.GetBytes("姓名,邮箱,分组\r\n张伟,zhang@example.org,重点企业\r\n"));
        var summary = await Importer.ImportAsync(noBom, new ImportOptions());
        Assert.Equal(1, summary.Imported);
        Assert.Equal("张伟", (await Store.FindByEmailAsync("zhang@example.org"))!.Name);
    }

    [Fact]
    public async Task The_kind_comes_from_the_bytes_a_workbook_named_csv_is_read_and_a_word_document_is_named_so()
    {
        var renamed = Dir.File("名单.csv");
        XlsxWriter.WriteSheets(renamed, ("Sheet1", [["姓名", "邮箱", "分组"], ["李娜", "lina@example.org", "重点企业"]]));
        Assert.Equal(1, (await Importer.ImportAsync(renamed, new ImportOptions())).Imported);

        var docx = Dir.File("名单.docx");
        using (var document = WordprocessingDocument.Create(docx, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document(new Body(new Paragraph(new Run(new Text("姓名 邮箱 王建国 wang@example.org")))));
        }
        var word = await Importer.ImportAsync(docx, new ImportOptions());
        Assert.Equal("名单.docx is a Word document, not a list — save the sheet as .xlsx or .csv", word.Errors.Single());

        var wordAsXlsx = Dir.File("名单2.xlsx");
        File.Copy(docx, wordAsXlsx);
        Assert.Equal("名单2.xlsx is a Word document, not a list — save the sheet as .xlsx or .csv",
            (await Importer.ImportAsync(wordAsXlsx, new ImportOptions())).Errors.Single());

        var pdf = Dir.File("名单.pdf");
        File.WriteAllText(pdf, "%PDF-1.7\n%âãÏÓ\n1 0 obj\n");
        Assert.StartsWith("名单.pdf is a PDF document, not a list", (await Importer.ImportAsync(pdf, new ImportOptions())).Errors.Single());

        var png = Dir.File("名单.png");
        File.WriteAllBytes(png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]);
        Assert.StartsWith("名单.png is not a spreadsheet or a CSV file", (await Importer.ImportAsync(png, new ImportOptions())).Errors.Single());

        Assert.Equal(1, await Store.CountAllAsync());
    }

    [Fact]
    public async Task Export_to_xlsx_is_a_workbook_excel_data_reader_opens_and_that_imports_back()
    {
        await Importer.ImportAsync(WriteCsv("list.csv", "姓名,邮箱,单位,职务,分组,区县,行业,状态\n" +
            "王建国,wang@example.org,\"许昌市科学技术局, 办公室\",局长,\"市级领导,县级领导\",魏都区,新材料、化工,\n" +
            "李娜,lina@example.org,远东,,重点企业,,,unsubscribed\n"), new ImportOptions());
        await Store.AddAsync(new SubscriberDraft("odd@example.org", "=cmd|' /C calc'!A0", "-2+3", null, ["county"], null, []));

        var export = Dir.File("out/list.xlsx");
        Directory.CreateDirectory(Path.GetDirectoryName(export)!);
        Assert.Equal(3, await new SubscriberExporter(Store).ExportAsync(export));
        Assert.False(File.Exists(export + ".tmp"));

        using (var stream = File.OpenRead(export))
        using (var reader = ExcelReaderFactory.CreateOpenXmlReader(stream))
        {
            Assert.Equal("订阅者", reader.Name);
            var rows = new List<string[]>();
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString() ?? "")]);
            }
            Assert.Equal(SubscriberExporter.Header, rows[0]);
            Assert.Equal(["wang@example.org", "王建国", "许昌市科学技术局, 办公室", "局长"], rows[1][..4]);
            Assert.Equal(["county", "municipal"], rows[1][4].Split(';').Order());
            Assert.Equal(["魏都区", "新材料;化工", "active", "尊敬的王局长"], rows[1][5..]);
            Assert.Equal("unsubscribed", rows[2][7]);
            // A text cell, not a formula, and not prefixed: the workbook shows exactly what is stored.
            Assert.Equal(("=cmd|' /C calc'!A0", "-2+3"), (rows[3][1], rows[3][2]));
        }

        await using var otherDb = new SqliteTestDatabase();
        await using var otherDatabase = otherDb.Open();
        var other = new SqlSubscriberStore(otherDatabase, Time);
        var back = await new SubscriberImporter(other).ImportAsync(export, new ImportOptions());
        Assert.Equal((2, 1, "订阅者"), (back.Imported, back.Rejected, back.Sheet));
        Assert.All(back.Rejects, r => Assert.Contains("formula", r.Reason)); // the name and the organisation
        var wang = (await other.FindByEmailAsync("wang@example.org"))!;
        Assert.Equal(("许昌市科学技术局, 办公室", "魏都区"), (wang.Organisation, wang.District));
        Assert.Equal(["county", "municipal"], wang.Segments.Order());
        Assert.Equal(SubscriberStatus.Unsubscribed, (await other.FindByEmailAsync("lina@example.org"))!.Status);

        await Assert.ThrowsAsync<ArgumentException>(() => new SubscriberExporter(Store).ExportAsync(Dir.File("list.xls")));
        Assert.False(File.Exists(Dir.File("list.xls")));
    }

    private string WriteCsv(string name, string text)
    {
        var path = Dir.File(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}

public sealed class SqliteSheetImportTests : SheetImportTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresSheetImportTests : SheetImportTests<PostgresTestDatabase>;
