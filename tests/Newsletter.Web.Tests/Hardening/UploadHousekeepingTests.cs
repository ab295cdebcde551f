using System.Net;
using System.Net.Http.Headers;
using Newsletter.Core;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Data;
using Newsletter.Web.Issues;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Hardening;

/// <summary>Uploaded issue files: admins delete them, old ones are purged, in-use ones are kept; one size limit.</summary>
public sealed class UploadHousekeepingTests
{
    private static UploadedIssueStore Store(WebApp app) => app.Services.GetRequiredService<UploadedIssueStore>();

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content)
    {
        var token = WebApp.Token(await client.GetStringAsync("/Issues"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "upload", fileName);
        return await client.PostAsync("/Issues?handler=Upload", form);
    }

    private static async Task ScheduleAsync(WebApp app, UploadedIssue upload, string segment)
    {
        await app.AddSubscriberAsync($"s-{Guid.NewGuid():N}@example.org", "钱八", segment);
        await app.Services.GetRequiredService<IssuePublisher>().PrepareAsync(upload.Path, [segment], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(2));
    }

    private static async Task AgeAsync(WebApp app, long id, TimeSpan age)
    {
        await using var connection = await app.Services.GetRequiredService<NewsletterDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE uploaded_issues SET created_at = @at WHERE id = @id";
        var at = command.CreateParameter();
        at.ParameterName = "@at";
        at.Value = DateTimeOffset.UtcNow - age;
        command.Parameters.Add(at);
        var key = command.CreateParameter();
        key.ParameterName = "@id";
        key.Value = id;
        command.Parameters.Add(key);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Admins_delete_an_unused_upload_with_its_file_editors_cannot_and_an_upload_in_use_is_kept()
    {
        await using var app = await WebApp.StartAsync();
        var unused = await app.UploadSampleAsync();
        var scheduled = await app.UploadSampleAsync();
        await ScheduleAsync(app, scheduled, "county");
        using var admin = await app.ClientAsync(WebApp.AdminLogin);
        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        Assert.Contains($"id=\"delete-{unused.Id}\"", await admin.GetStringAsync("/Issues"));
        Assert.DoesNotContain("id=\"delete-", await editor.GetStringAsync("/Issues"));

        using var byEditor = await WebApp.PostFormAsync(editor, "/Issues", [], $"/Issues?handler=Delete&id={unused.Id}");
        Assert.Equal(HttpStatusCode.Redirect, byEditor.StatusCode);
        Assert.Contains("/Account/Denied", byEditor.Headers.Location!.ToString());
        Assert.True(File.Exists(unused.Path));

        using var deleted = await WebApp.PostFormAsync(admin, "/Issues", [], $"/Issues?handler=Delete&id={unused.Id}");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Null(await Store(app).GetAsync(unused.Id, CancellationToken.None));
        Assert.False(Directory.Exists(Path.GetDirectoryName(unused.Path)));

        using var inUse = await WebApp.PostFormAsync(admin, "/Issues", [], $"/Issues?handler=Delete&id={scheduled.Id}");
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Contains($"上传 #{scheduled.Id} 正被", await inUse.Content.ReadAsStringAsync());
        Assert.True(File.Exists(scheduled.Path));
    }

    [Fact]
    public async Task An_upload_purges_uploads_past_the_retention_that_nothing_uses()
    {
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:UploadRetention"] = "30.00:00:00" });
        var old = await app.UploadSampleAsync();
        var oldScheduled = await app.UploadSampleAsync();
        var recent = await app.UploadSampleAsync();
        await ScheduleAsync(app, oldScheduled, "enterprise");
        await AgeAsync(app, old.Id, TimeSpan.FromDays(31));
        await AgeAsync(app, oldScheduled.Id, TimeSpan.FromDays(31));
        await AgeAsync(app, recent.Id, TimeSpan.FromDays(29));
        using var editor = await app.ClientAsync(WebApp.EditorLogin);

        using var upload = await UploadAsync(editor, "new.md", File.ReadAllBytes(old.Path));

        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        Assert.Null(await Store(app).GetAsync(old.Id, CancellationToken.None));
        Assert.False(File.Exists(old.Path));
        Assert.NotNull(await Store(app).GetAsync(oldScheduled.Id, CancellationToken.None));
        Assert.True(File.Exists(oldScheduled.Path));
        Assert.NotNull(await Store(app).GetAsync(recent.Id, CancellationToken.None));
    }

    [Fact]
    public async Task The_web_takes_the_loaders_size_limit_and_refuses_a_larger_file()
    {
        // Above the loaders' limit is refused at start (no longer clamped in silence), naming the setting and the range.
        var e = await Assert.ThrowsAsync<SettingsException>(() => WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:MaxUploadBytes"] = "20971520" }));
        Assert.Equal($"setting Web:MaxUploadBytes = '20971520': must be a whole number from 1024 to {InputLimits.MaxUploadBytes}", e.Message);

        await using var app = await WebApp.StartAsync();
        Assert.Equal(InputLimits.MaxUploadBytes, app.Services.GetRequiredService<WebOptions>().MaxUploadBytes);
        using var editor = await app.ClientAsync(WebApp.EditorLogin);
        var before = (await Store(app).ListAsync(10, CancellationToken.None)).Count;
        var content = new byte[InputLimits.MaxUploadBytes + 1];
        Array.Fill(content, (byte)'a');

        using var response = await UploadAsync(editor, "big.md", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("不超过大小限制", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, (await Store(app).ListAsync(10, CancellationToken.None)).Count);
    }
}
