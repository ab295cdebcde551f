using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience.Import;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>The subscribers and segments verbs, in process, on a SQLite file of their own.</summary>
[Collection("Console")]
public sealed class SubscribersCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("subscribers-cli");
    private readonly string _config;

    static SubscribersCommandTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SubscribersCommandTests()
    {
        _config = WriteConfig("settings.json", "sqlite", $"Data Source={_temp.File("db/newsletter.db")}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string WriteConfig(string name, string provider, string connectionString) =>
        InProcessCli.WriteSettings(_temp.File(name), provider, connectionString);

    private async Task<(int Exit, string Out, string Error)> Run(params string[] args)
    {
        var (exit, output, error) = await InProcessCli.RunAsync([.. args, "--config", _config]);
        // Without the line naming the database, which every command on the store prints first.
        var errors = error.Split('\n').Where(l => !l.StartsWith("database: ", StringComparison.Ordinal));
        return (exit, output, string.Join('\n', errors));
    }

    private async Task<JsonElement> Json(params string[] args)
    {
        var (exit, stdout, stderr) = await Run([.. args, "--json"]);
        Assert.True(exit == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    private string Write(string name, string text)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>
    /// A copy of the sample list in this test's folder: an import writes its rejects beside the file, and a test writes
    /// nothing into the checkout (issue 16: the fast loop runs in a checkout it may not write to).
    /// </summary>
    private string SampleList(string segment)
    {
        var copy = _temp.File(Path.Combine("samples", segment + ".csv"));
        if (!File.Exists(copy))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(Path.Combine(TestEnvironment.RepositoryRoot, "subscribers", segment + ".csv"), copy);
        }
        return copy;
    }

    [Theory]
    [InlineData("municipal")]
    [InlineData("county")]
    [InlineData("enterprise")]
    [InlineData("test-recipients")]
    public async Task Sample_lists_import_cleanly_into_their_segment(string segment)
    {
        // Expected counts come from the file itself, read independently of the importer.
        var lines = File.ReadAllLines(SampleList(segment)).Skip(1).Where(l => l.Trim().Length > 0).ToList();
        var unsubscribed = lines.Count(l => l.EndsWith(",unsubscribed", StringComparison.Ordinal));
        Assert.InRange(lines.Count, 2, 10);
        Assert.All(lines, l => Assert.Matches(@"@example\.(org|test),", l));

        var (exit, stdout, stderr) = await Run("subscribers", "import", SampleList(segment), "--segment", segment);
        Assert.True(exit == 0, stderr);
        Assert.Contains(lines.Count.ToString(), stdout);

        var counts = (await Json("segments", "list")).EnumerateArray().Single(e => e.GetProperty("key").GetString() == segment);
        Assert.Equal(lines.Count - unsubscribed, counts.GetProperty("active").GetInt64());
        Assert.Equal(unsubscribed, counts.GetProperty("unsubscribed").GetInt64());
    }

    [Fact]
    public async Task Import_reports_rejects_and_writes_the_rejects_file()
    {
        var path = Write("list.csv", "姓名,邮箱,类别\n王建国,wang@example.org,市级领导\n李娜,not-an-address,县级领导\n");
        var (exit, stdout, _) = await Run("subscribers", "import", path);
        Assert.Equal(0, exit);
        Assert.Contains("line 3, 邮箱", stdout);
        Assert.Contains("rejects.csv", stdout);
        Assert.True(File.Exists(path + ".rejects.csv"));
    }

    [Fact]
    public async Task Import_of_an_office_list_names_the_ignored_columns_once_and_warns_on_rows()
    {
        var path = _temp.File("名单.csv");
        File.WriteAllBytes(path, Encoding.GetEncoding("GB18030").GetBytes(
            "序号,姓名,手机,邮箱地址,分组,区县,备注\r\n1,王建国,13800000001,wang＠example.org,市级领导,鄢林县,\r\n"));

        var (exit, stdout, stderr) = await Run("subscribers", "import", path);

        Assert.True(exit == 0, stderr);
        Assert.Single(stdout.Split('\n'), l => l.Contains("ignored column", StringComparison.Ordinal));
        Assert.Contains("warning: ignored column(s): 序号, 手机, 备注", stdout);
        Assert.Contains("warning, line 2, 区县: '鄢林县' is not a known district; stored as 鄢陵县", stdout);
        Assert.Equal("鄢陵县", (await Json("subscribers", "show", "wang@example.org")).GetProperty("district").GetString());
    }

    [Fact]
    public async Task Import_with_column_maps_headers_the_synonyms_do_not_know()
    {
        var path = Write("通讯录.csv", "序号,姓名,Mail box,工作部门\n1,刘洋,liu@example.org,许昌市发改委\n");

        // Without a mapping the list has no e-mail column: refused, nothing stored, and the hint names --column.
        var refused = await Run("subscribers", "import", path, "--segment", "county");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("nothing was imported", refused.Error);
        Assert.Contains("--column \"HEADER=email\"", refused.Error);

        // A mapping that is not HEADER=COLUMN, or names no column, is a usage error before anything is read.
        var syntax = await Run("subscribers", "import", path, "--column", "Mail box");
        Assert.Equal(2, syntax.Exit);
        Assert.Contains("--column \"Mail box\" is not HEADER=COLUMN", syntax.Error);
        var unknown = await Run("subscribers", "import", path, "--column", "Mail box=手机");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("\"手机\" is no column", unknown.Error);
        Assert.Empty((await Json("subscribers", "list")).EnumerateArray());

        // Mail box → 邮箱 (Chinese name), 工作部门 → organisation (English name), 序号 ignored explicitly (full-width ＝).
        var (exit, stdout, stderr) = await Run("subscribers", "import", path, "--segment", "county",
            "--column", "Mail box=邮箱", "--column", "工作部门=organisation", "--column", "序号＝忽略");
        Assert.True(exit == 0, stderr);
        Assert.Contains("warning: ignored column(s): 序号", stdout);
        var liu = await Json("subscribers", "show", "liu@example.org");
        Assert.Equal(("刘洋", "许昌市发改委"), (liu.GetProperty("name").GetString(), liu.GetProperty("organisation").GetString()));
    }

    [Fact]
    public async Task Import_of_a_word_document_or_a_sheet_option_on_csv_is_one_error_line()
    {
        var docx = _temp.File("名单.docx");
        using (var zip = System.IO.Compression.ZipFile.Open(docx, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            writer.Write("<document/>");
        }
        var (exit, stdout, stderr) = await Run("subscribers", "import", docx);
        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("error: 名单.docx is a Word document, not a list — save the sheet as .xlsx or .csv", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        var csv = Write("list.csv", "姓名,邮箱,类别\n王建国,wang@example.org,市级领导\n");
        var sheet = await Run("subscribers", "import", csv, "--sheet", "2");
        Assert.Equal(1, sheet.Exit);
        Assert.Contains("list.csv is a CSV file, which has no sheets; leave out --sheet", sheet.Error);
    }

    [Fact]
    public async Task Export_to_xlsx_writes_a_workbook_that_imports_back()
    {
        await Run("subscribers", "add", "--email", "a@example.org", "--name", "甲", "--segment", "county", "--district", "鄢陵县");
        var path = _temp.File("list.xlsx");

        var (exit, _, stderr) = await Run("subscribers", "export", "-o", path);

        Assert.True(exit == 0, stderr);
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(path)[..2]);
        using (var stream = File.OpenRead(path))
        using (var reader = ExcelDataReader.ExcelReaderFactory.CreateOpenXmlReader(stream))
        {
            Assert.True(reader.Read());
            Assert.Equal("email", reader.GetString(0));
            Assert.True(reader.Read());
            Assert.Equal(("a@example.org", "甲", "鄢陵县"), (reader.GetString(0), reader.GetString(1), reader.GetString(5)));
        }
        var again = await Run("subscribers", "import", path);
        Assert.True(again.Exit == 0, again.Error);
        Assert.Single((await Json("subscribers", "list")).EnumerateArray());

        var xls = await Run("subscribers", "export", "-o", _temp.File("list.xls"));
        Assert.Equal(1, xls.Exit);
        Assert.Contains("the export writes .xlsx or .csv, not .xls", xls.Error);
    }

    [Fact]
    public async Task Import_of_an_empty_file_fails_with_one_line()
    {
        var (exit, stdout, stderr) = await Run("subscribers", "import", Write("empty.csv", ""));
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("is empty", stderr);
        Assert.Contains("nothing was imported", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Dry_run_stores_nothing()
    {
        var path = Write("list.csv", "姓名,邮箱,类别\n王建国,wang@example.org,市级领导\n");
        var (exit, stdout, _) = await Run("subscribers", "import", path, "--dry-run");
        Assert.Equal(0, exit);
        Assert.Contains("dry run", stdout);
        Assert.Empty((await Json("subscribers", "list")).EnumerateArray());
    }

    [Fact]
    public async Task Add_show_edit_unsubscribe_resubscribe_remove()
    {
        var (exit, stdout, stderr) = await Run("subscribers", "add", "--email", "Wang@Example.org", "--name", "王建国", "--title", "局长",
            "--segment", "市级领导,县级领导", "--district", "魏都区", "--industries", "新材料、化工", "--organisation", "许昌市科学技术局");
        Assert.True(exit == 0, stderr);
        Assert.Contains("尊敬的王局长", stdout);

        var shown = await Json("subscribers", "show", "wang@example.org");
        Assert.Equal("wang@example.org", shown.GetProperty("email").GetString());
        Assert.Equal("active", shown.GetProperty("status").GetString());
        Assert.Equal(["municipal", "county"], shown.GetProperty("segments").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["新材料", "化工"], shown.GetProperty("industries").EnumerateArray().Select(e => e.GetString()));
        foreach (var field in new[] { "id", "name", "organisation", "title", "district", "salutation", "source", "consentAt", "createdAt", "updatedAt" })
        {
            Assert.True(shown.TryGetProperty(field, out _), field);
        }

        Assert.Equal(0, (await Run("subscribers", "edit", "wang@example.org", "--title", "副市长", "--district", "")).Exit);
        shown = await Json("subscribers", "show", "wang@example.org");
        Assert.Equal("尊敬的王副市长", shown.GetProperty("salutation").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("district").ValueKind);

        Assert.Equal(0, (await Run("subscribers", "unsubscribe", "wang@example.org")).Exit);
        Assert.Equal("unsubscribed", (await Json("subscribers", "show", "wang@example.org")).GetProperty("status").GetString());

        var noConsent = await Run("subscribers", "resubscribe", "wang@example.org");
        Assert.Equal(1, noConsent.Exit);
        Assert.Contains("--consent", noConsent.Error);
        Assert.Equal(0, (await Run("subscribers", "resubscribe", "wang@example.org", "--consent", "2026-11-27 电话确认")).Exit);
        Assert.Equal("active", (await Json("subscribers", "show", "wang@example.org")).GetProperty("status").GetString());

        Assert.Equal(0, (await Run("subscribers", "remove", "wang@example.org")).Exit);
        var gone = await Run("subscribers", "show", "wang@example.org");
        Assert.Equal(1, gone.Exit);
        Assert.Contains("no subscriber", gone.Error);

        var again = await Run("subscribers", "import", Write("again.csv", "姓名,邮箱,类别\n王建国,wang@example.org,市级领导\n"));
        Assert.Equal(0, again.Exit);
        Assert.Contains("left as they are", again.Out);
        Assert.Empty((await Json("subscribers", "list")).EnumerateArray());
    }

    [Fact]
    public async Task Add_rejects_bad_fields_with_the_option_name()
    {
        var (exit, _, stderr) = await Run("subscribers", "add", "--email", "x@example.org", "--name", "王\r\nBcc: a@example.org", "--segment", "county");
        Assert.Equal(1, exit);
        Assert.Contains("--name", stderr);
        var unknown = await Run("subscribers", "add", "--email", "x@example.org", "--name", "王", "--segment", "乡镇");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("unknown segment", unknown.Error);
    }

    [Fact]
    public async Task Add_and_edit_refuse_terminal_escapes_and_formulas_with_the_importers_messages()
    {
        var escape = await Run("subscribers", "add", "--email", "x@example.org", "--name", "\u001b]0;pwned\u0007\u001b[2J王", "--segment", "county");
        Assert.Equal(1, escape.Exit);
        Assert.Contains("--name: contains a control character", escape.Error);
        var formula = await Run("subscribers", "add", "--email", "x@example.org", "--name", "王", "--title", "=1+1", "--segment", "county");
        Assert.Equal(1, formula.Exit);
        Assert.Contains("--title: starts with = + - or @ like a spreadsheet formula", formula.Error);
        Assert.Empty((await Json("subscribers", "list")).EnumerateArray());

        Assert.Equal(0, (await Run("subscribers", "add", "--email", "x@example.org", "--name", "王", "--segment", "county")).Exit);
        var edit = await Run("subscribers", "edit", "x@example.org", "--organisation", "@SUM(A1)");
        Assert.Equal(1, edit.Exit);
        Assert.Contains("--organisation: starts with = + - or @ like a spreadsheet formula", edit.Error);
        var lineBreak = await Run("subscribers", "edit", "x@example.org", "--district", "禹州\r\nBcc: y@example.org");
        Assert.Equal(1, lineBreak.Exit);
        Assert.Contains("--district: contains a control character", lineBreak.Error);
        Assert.Equal(JsonValueKind.Null, (await Json("subscribers", "show", "x@example.org")).GetProperty("organisation").ValueKind);
    }

    [Fact]
    public async Task List_filters_and_rejects_unknown_status()
    {
        await Run("subscribers", "import", Write("l.csv",
            "姓名,邮箱,类别,区县,行业\n甲,a@example.org,county,禹州市,发制品\n乙,b@example.org,enterprise,长葛市,食品\n丙,c@example.org,county,长葛市,\n"));
        Assert.Equal(["a@example.org", "c@example.org"], (await Json("subscribers", "list", "--segment", "县级领导")).EnumerateArray().Select(e => e.GetProperty("email").GetString()));
        Assert.Equal(["b@example.org", "c@example.org"], (await Json("subscribers", "list", "--tag", "长葛市")).EnumerateArray().Select(e => e.GetProperty("email").GetString()));
        Assert.Equal(["a@example.org"], (await Json("subscribers", "list", "--tag", "发制品")).EnumerateArray().Select(e => e.GetProperty("email").GetString()));
        Assert.Equal(["b@example.org"], (await Json("subscribers", "list", "--search", "B@EX")).EnumerateArray().Select(e => e.GetProperty("email").GetString()));

        var table = await Run("subscribers", "list", "--status", "active");
        Assert.Equal(0, table.Exit);
        Assert.Contains("3 subscriber(s)", table.Out);
        var bad = await Run("subscribers", "list", "--status", "sleeping");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("unknown status 'sleeping'", bad.Error);
    }

    [Fact]
    public async Task Export_then_import_into_a_new_database_gives_the_same_list()
    {
        await Run("subscribers", "import", SampleList("municipal"), "--segment", "municipal");
        await Run("subscribers", "import", SampleList("county"), "--segment", "county");
        var before = (await Json("subscribers", "list")).EnumerateArray().Select(Comparable).ToList();
        var export = _temp.File("out/export.csv");
        Assert.Equal(0, (await Run("subscribers", "export", "-o", export)).Exit);

        var other = WriteConfig("other.json", "sqlite", $"Data Source={_temp.File("other.db")}");
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var output = new StringWriter();
        Console.SetOut(output);
        Console.SetError(new StringWriter());
        try
        {
            Assert.Equal(0, await NewsletterApp.RunAsync(["subscribers", "import", export, "--config", other]));
            output.GetStringBuilder().Clear();
            Assert.Equal(0, await NewsletterApp.RunAsync(["subscribers", "list", "--json", "--config", other]));
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
        var after = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(Comparable).ToList();
        Assert.Equal(before, after);
        Assert.Contains(after, s => s.Contains("unsubscribed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_to_standard_output_has_the_import_header()
    {
        await Run("subscribers", "add", "--email", "a@example.org", "--name", "甲", "--segment", "county");
        var (exit, stdout, _) = await Run("subscribers", "export", "--segment", "county");
        Assert.Equal(0, exit);
        Assert.StartsWith(string.Join(',', SubscriberExporter.Header), stdout);
        Assert.Contains("a@example.org,甲,", stdout);
    }

    [Fact]
    public async Task Segments_add_and_list()
    {
        var (exit, _, stderr) = await Run("segments", "add", "science-parks", "--name-zh", "科技园区", "--name-en", "Science parks");
        Assert.True(exit == 0, stderr);
        await Run("subscribers", "add", "--email", "a@example.org", "--name", "甲", "--segment", "科技园区");
        var parks = (await Json("segments", "list")).EnumerateArray().Single(e => e.GetProperty("key").GetString() == "science-parks");
        Assert.False(parks.GetProperty("builtIn").GetBoolean());
        Assert.Equal(1, parks.GetProperty("active").GetInt64());

        var table = await Run("segments", "list");
        Assert.Contains("市级领导", table.Out);
        Assert.Contains("科技园区", table.Out);
        var duplicate = await Run("segments", "add", "parks", "--name-zh", "科技园区", "--name-en", "Parks");
        Assert.Equal(1, duplicate.Exit);
        Assert.Contains("already", duplicate.Error);
    }

    [Fact]
    public async Task Unknown_database_provider_is_a_one_line_error()
    {
        var bad = WriteConfig("bad.json", "oracle", "x");
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var error = new StringWriter();
        Console.SetOut(new StringWriter());
        Console.SetError(error);
        int exit;
        try
        {
            exit = await NewsletterApp.RunAsync(["segments", "list", "--config", bad]);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
        Assert.Equal(1, exit);
        Assert.Contains("unknown database provider 'oracle'", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }

    private static readonly string[] ComparedFields = ["email", "name", "organisation", "title", "district", "status", "salutation"];

    private static string Comparable(JsonElement s) => string.Join("|",
        ComparedFields.Select(p => s.GetProperty(p).ToString())
            .Concat(s.GetProperty("segments").EnumerateArray().Select(e => e.GetString()!))
            .Concat(s.GetProperty("industries").EnumerateArray().Select(e => e.GetString()!)));
}
