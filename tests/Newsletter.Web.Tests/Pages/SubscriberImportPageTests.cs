using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Newsletter.Web.Tests.Pages;

/// <summary>The web import shows what the CLI shows (issue 19): the ignored columns, the rows imported with a warning, the sheet read.</summary>
public sealed class SubscriberImportPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    static SubscriberImportPageTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private async Task<(HttpStatusCode Status, string Html)> Upload(byte[] bytes, string fileName)
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var token = WebApp.Token(await admin.GetStringAsync("/Subscribers/Import"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "upload", fileName);
        using var response = await admin.PostAsync("/Subscribers/Import", form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_office_list_in_gbk_shows_the_ignored_columns_and_the_row_warnings()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var csv = "序号,姓名,手机,邮箱地址,分组,区县,行业\r\n" +
            $"1,王建国,13800000001,wang-{id}＠example.org,市级领导,鄢林县,新材料\r\n" +
            $"2,李娜,13800000002,lina-{id}@example.org,重点企业,魏都区,人工智能\r\n";

        var (status, html) = await Upload(Encoding.GetEncoding("GB18030").GetBytes(csv), "名单.csv");

        Assert.Equal(HttpStatusCode.OK, status);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("2", page.QuerySelector("#imported")?.TextContent);
        Assert.Equal("已忽略的列（未导入）: 序号、手机", page.QuerySelector("#ignored-columns")?.TextContent.Trim());
        var warnings = page.QuerySelectorAll("#warnings tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent).ToArray()).ToList();
        Assert.Equal([("2", "区县"), ("3", "行业")], warnings.Select(w => (w[0], w[1])));
        // The importer's reasons in the page's language (issue 19: they stayed English inside the Chinese admin).
        Assert.StartsWith("“鄢林县”不是已知的区县；已按 鄢陵县 保存", warnings[0][2]);
        Assert.StartsWith("“人工智能”不在行业清单中", warnings[1][2]);
        Assert.Equal("鄢陵县", (await App.Subscribers.FindByEmailAsync($"wang-{id}@example.org"))!.District);
        Assert.Empty((await App.Subscribers.FindByEmailAsync($"lina-{id}@example.org"))!.Industries);
    }

    [Fact]
    public async Task A_word_document_is_refused_with_the_one_clear_message()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open(), new UTF8Encoding(false));
            writer.Write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body/></w:document>");
        }

        var (status, html) = await Upload(buffer.ToArray(), "赠阅名单.docx");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("赠阅名单.docx 是 Word 文档，不是名单 — 请把表格另存为 .xlsx 或 .csv", WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task The_list_exports_as_an_xlsx_workbook()
    {
        var email = $"xlsx-{Guid.NewGuid():N}@example.org";
        await App.AddSubscriberAsync(email, "表格", "county");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await admin.GetAsync("/Subscribers?handler=ExportXlsx&segment=county");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateOpenXmlReader(stream);
        var rows = new List<(string Email, string Name)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        Assert.Equal(("email", "name"), rows[0]);
        Assert.Contains((email, "表格"), rows);
    }
}
