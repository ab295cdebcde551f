using System.Net;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Tests.Hardening;

/// <summary>
/// Test sends from the web: editors only to allowed domains (default: the From domain, bulletin@xcsti.example.org, and
/// the test-recipients' domains), everyone at most Web:TestSendsPerHour messages an hour, each logged with its sender.
/// </summary>
public sealed class TestSendPolicyTests
{
    private static async Task<HttpResponseMessage> TestSendAsync(WebApp app, HttpClient client, long issueId, string addresses)
    {
        var url = $"/Issues/Details/{issueId}";
        return await WebApp.PostFormAsync(client, url, new() { ["Segment"] = "county", ["Addresses"] = addresses }, url + "?handler=TestSend");
    }

    private static string[] Sent(WebApp app)
    {
        var outbox = Path.Combine(app.Folder, "outbox");
        return Directory.Exists(outbox)
            ? [.. Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).Select(f => MimeKit.MimeMessage.Load(f).To.Mailboxes.Single().Address).Order()]
            : [];
    }

    [Fact]
    public async Task Editors_send_only_to_allowed_domains_admins_anywhere()
    {
        await using var app = await WebApp.StartAsync();
        await app.AddSubscriberAsync("tester@members.example.com", "测试员", Segments.TestRecipients);
        var upload = await app.UploadSampleAsync();
        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        using var admin = await app.ClientAsync(WebApp.AdminLogin);

        using var outside = await TestSendAsync(app, editor, upload.Id, "someone@outside.example");
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        var html = await outside.Content.ReadAsStringAsync();
        Assert.Contains("“someone@outside.example”不在测试邮件允许的域名内", html);
        Assert.Contains("xcsti.example.org", html);
        Assert.Contains("members.example.com", html);
        Assert.Empty(Sent(app));

        using var mixed = await TestSendAsync(app, editor, upload.Id, "a@xcsti.example.org, b@mail.members.example.com, c@outside.example");
        Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        Assert.Contains("“c@outside.example”不在", await mixed.Content.ReadAsStringAsync());
        Assert.Equal(["a@xcsti.example.org", "b@mail.members.example.com"], Sent(app));

        using var byAdmin = await TestSendAsync(app, admin, upload.Id, "someone@outside.example");
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Contains("someone@outside.example", Sent(app));
    }

    [Fact]
    public async Task The_hourly_limit_refuses_a_send_that_would_exceed_it_and_every_send_is_logged_with_its_sender()
    {
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:TestSendsPerHour"] = "3" });
        var upload = await app.UploadSampleAsync();
        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        using var admin = await app.ClientAsync(WebApp.AdminLogin);

        using var first = await TestSendAsync(app, editor, upload.Id, "a@xcsti.example.org, b@xcsti.example.org");
        using var second = await TestSendAsync(app, editor, upload.Id, "c@xcsti.example.org, d@xcsti.example.org");
        using var byAdmin = await TestSendAsync(app, admin, upload.Id, "e@xcsti.example.org");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("每人每小时最多发送 3 封测试邮件，您在过去一小时内已发送 2 封", await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(["a@xcsti.example.org", "b@xcsti.example.org", "e@xcsti.example.org"], Sent(app));

        var log = await app.Services.GetRequiredService<ITestSendLog>().ListAsync(10);
        Assert.Equal(["admin", "editor", "editor"], log.Select(e => e.SentBy));
        var page = await editor.GetStringAsync($"/Issues/Details/{upload.Id}");
        Assert.Contains("id=\"test-log\"", page);
        Assert.Contains("<td class=\"sent-by\">editor</td><td>a@xcsti.example.org</td>", page);
        Assert.Contains("<td class=\"sent-by\">admin</td><td>e@xcsti.example.org</td>", page);
    }
}
