using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Tests.Hardening;

/// <summary>Inputs that answered 500 (or dropped the connection) answer 4xx with a message, and change nothing.</summary>
public sealed class FormerErrorTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task An_unknown_segment_filter_is_a_400_with_the_known_segments()
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await admin.GetAsync("/Subscribers?segment=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("未知的分组“x”", html);
        Assert.Contains("municipal", html);
    }

    [Fact]
    public async Task An_export_of_an_unknown_segment_is_a_400_before_any_csv()
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await admin.GetAsync("/Subscribers?handler=Export&segment=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("未知的分组“x”", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_test_send_to_a_non_ascii_local_part_is_refused_with_a_reason_and_sends_nothing()
    {
        var upload = await App.UploadSampleAsync();
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var url = $"/Issues/Details/{upload.Id}";
        var before = SentFiles();

        using var response = await WebApp.PostFormAsync(editor, url, new() { ["Segment"] = "county", ["Addresses"] = "测试@example.org" },
            url + "?handler=TestSend");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("“测试@example.org”", html);
        Assert.Contains("SMTPUTF8", html);
        Assert.Equal(before, SentFiles());
    }

    [Fact]
    public async Task Four_parallel_send_now_clicks_start_one_campaign_and_the_others_answer_already_running()
    {
        await App.AddSubscriberAsync($"race-{Guid.NewGuid():N}@example.org", "赛跑", "enterprise");
        var upload = await App.UploadSampleAsync();
        var url = $"/Issues/Details/{upload.Id}";
        var clients = new List<HttpClient>();
        var forms = new List<FormUrlEncodedContent>();
        for (var i = 0; i < 4; i++)
        {
            var client = await App.ClientAsync(WebApp.AdminLogin);
            clients.Add(client);
            var token = WebApp.Token(await client.GetStringAsync(url));
            forms.Add(new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["targets"] = "enterprise", ["mode"] = "now",
            }));
        }

        var responses = await Task.WhenAll(clients.Select((c, i) => c.PostAsync(url + "?handler=Schedule", forms[i])));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == 302) == 1, "statuses: " + string.Join(",", statuses));
        Assert.True(statuses.Count(s => s == 409) == 3, "statuses: " + string.Join(",", statuses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Contains("已发送或正在发送", await refused.Content.ReadAsStringAsync());
        }
        var campaigns = await App.Services.GetRequiredService<ICampaignStore>().ListAsync();
        Assert.Single(campaigns, c => c.SourcePath == Path.GetFullPath(upload.Path));
        foreach (var r in responses) r.Dispose();
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task An_xlsx_with_a_dtd_shows_the_refusal_and_imports_nothing()
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var token = WebApp.Token(await admin.GetStringAsync("/Subscribers/Import"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        form.Add(new StringContent("municipal"), "DefaultSegment");
        var file = new ByteArrayContent(WorkbookWithDtd());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(file, "upload", "dtd.xlsx");

        using var response = await admin.PostAsync("/Subscribers/Import", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("class=\"errors\"", html);
        Assert.Contains("DTD", html);
        Assert.Null(await App.Subscribers.FindByEmailAsync("dtd@example.org"));
    }

    private string[] SentFiles()
    {
        var outbox = Path.Combine(App.Folder, "outbox");
        return Directory.Exists(outbox) ? [.. Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).Order()] : [];
    }

    /// <summary>A minimal workbook whose sheet declares a DTD with an internal entity (the XXE / billion-laughs shape).</summary>
    private static byte[] WorkbookWithDtd()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Entry(string name, string content)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
            Entry("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                </Types>
                """);
            Entry("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                </Relationships>
                """);
            Entry("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Entry("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                </Relationships>
                """);
            Entry("xl/worksheets/sheet1.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE worksheet [<!ENTITY a "dtd@example.org">]>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
                <row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>
                <row r="2"><c r="A2" t="inlineStr"><is><t>&a;</t></is></c><c r="B2" t="inlineStr"><is><t>实体</t></is></c></row>
                </sheetData></worksheet>
                """);
        }
        return buffer.ToArray();
    }
}
