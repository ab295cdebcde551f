using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Newsletter.Web.Tests.Pages;

public sealed class IssuesPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, string content) =>
        UploadAsync(client, fileName, Encoding.UTF8.GetBytes(content), "text/markdown");

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content, string contentType)
    {
        var token = WebApp.Token(await client.GetStringAsync("/Issues"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "upload", fileName);
        return await client.PostAsync("/Issues?handler=Upload", form);
    }

    [Fact]
    public async Task An_issue_with_mistakes_shows_them_with_their_line_numbers_and_offers_no_sending()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var source = "---\ntitle: 许昌竞争情报快递\naudiences: [municipal, nobody]\n---\n\n## 行业动态\n\n### 标题\n\n正文。\n";

        using var upload = await UploadAsync(editor, "bad.md", source);
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        var details = await editor.GetStringAsync(upload.Headers.Location!.ToString());

        Assert.Contains("id=\"issue-errors\"", details);
        Assert.Contains("第 3 行", details);
        Assert.Contains("nobody", details);
        Assert.DoesNotContain("id=\"test-send\"", details);
        Assert.DoesNotContain("<iframe", details);
    }

    [Fact]
    public async Task A_file_that_is_not_an_issue_is_refused()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        using var upload = await UploadAsync(editor, "list.csv", "email,name\n");

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Contains("只能上传 .md、.txt 或 .docx 文件", await upload.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_word_bulletin_is_accepted_and_its_dropped_image_is_shown_for_review()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var page = await editor.GetStringAsync("/Issues");
        Assert.Contains(".docx", page); // the file picker offers Word documents
        var docx = new Newsletter.Testing.DocxBuilder()
            .Paragraph("2024年第9期")
            .Paragraph("2024年9月15日")
            .Heading(1, "行业动态")
            .Heading(2, "西安高新区打通成果转化“最初一公里”")
            .Paragraph("高新区", new Newsletter.Testing.DocxRun("持续深化改革", Bold: true), "。")
            .Image("图片 1")
            .ToBytes();

        using var upload = await UploadAsync(editor, "公报.docx", docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        var details = await editor.GetStringAsync(upload.Headers.Location!.ToString());
        Assert.Contains("西安高新区打通成果转化“最初一公里”", details);
        Assert.Contains("图片“图片 1”", details);   // the admin is Chinese by default
        Assert.Contains("图片已略去", details);
        Assert.Contains("**持续深化改革**", details);
    }

    [Fact]
    public async Task A_word_97_upload_is_told_to_be_saved_as_docx()
    {
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        using var upload = await UploadAsync(editor, "公报.doc", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "application/msword");

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Contains("另存为 .docx", await upload.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_test_send_goes_through_the_transport_and_is_confirmed()
    {
        var upload = await App.UploadSampleAsync();
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var url = $"/Issues/Details/{upload.Id}";

        using var response = await WebApp.PostFormAsync(editor, url, new() { ["Segment"] = "county", ["Addresses"] = "qa@xcsti.example.org, bad-address" },
            url + "?handler=TestSend");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"test-result\"", html);
        Assert.Contains("qa@xcsti.example.org", html);
        Assert.Contains("“bad-address”不是有效的邮箱地址", html);
        var sent = Directory.GetFiles(Path.Combine(App.Folder, "outbox"), "*.eml", SearchOption.AllDirectories);
        var message = MimeKit.MimeMessage.Load(Assert.Single(sent));
        Assert.StartsWith("[测试]", message.Subject);
        Assert.Equal("qa@xcsti.example.org", message.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Mark_ready_records_the_state()
    {
        var upload = await App.UploadSampleAsync();
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        var url = $"/Issues/Details/{upload.Id}";

        using var response = await WebApp.PostFormAsync(editor, url, [], url + "?handler=Ready");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await App.Services.GetRequiredService<Issues.UploadedIssueStore>().GetAsync(upload.Id, CancellationToken.None);
        Assert.Equal(Core.Issues.UploadedIssueState.Ready, stored!.State);
        Assert.Contains(await App.Services.GetRequiredService<Core.Scheduling.IScheduleStore>().ListReadyAsync(), r => r.SourcePath == upload.Path);
    }

    [Fact]
    public async Task Ready_is_the_schedulers_one_notion_an_upload_marked_ready_elsewhere_shows_ready()
    {
        // As `newsletter issue ready <file>` does: the scheduler's ready issues, not a flag of the upload's.
        var upload = await App.UploadSampleAsync();
        Assert.Equal(Core.Issues.UploadedIssueState.Draft, upload.State);

        await App.Services.GetRequiredService<Core.Scheduling.CampaignScheduler>().MarkReadyAsync(upload.Path, CancellationToken.None);

        var stored = await App.Services.GetRequiredService<Issues.UploadedIssueStore>().GetAsync(upload.Id, CancellationToken.None);
        Assert.Equal(Core.Issues.UploadedIssueState.Ready, stored!.State);
        using var editor = await App.ClientAsync(WebApp.EditorLogin);
        Assert.DoesNotContain("handler=Ready", await editor.GetStringAsync($"/Issues/Details/{upload.Id}"));
    }
}
