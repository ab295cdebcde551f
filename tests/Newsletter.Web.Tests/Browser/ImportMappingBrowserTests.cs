using System.Net;
using System.Text;
using Microsoft.Playwright;
using Newsletter.Core.Audience;
using Newsletter.Testing;
using static Microsoft.Playwright.Assertions;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// The web import as an admin does it in Chromium (issue 19): a sheet with a header the synonyms do not know gets a
/// column-mapping step before anything is stored, is imported with that mapping, and the rejects file (the original
/// rows plus 原因) is downloaded from the page — by its importer only.
/// </summary>
[Requires("chromium")]
public sealed class ImportMappingBrowserTests
{
    private static byte[] Sheet(TempDirectory folder)
    {
        var path = folder.File("名单.xlsx");
        XlsxFiles.Write(path, XlsxFiles.Rows(
        [
            ["邮箱", "姓名", "工作部门", "联系手机", "分组"],
            ["liu@example.org", "刘洋", "许昌市发改委", "13900000001", "municipal"],
            ["not-an-email", "坏地址", "某单位", "13900000002", "county"],
            ["zhou@example.org", "周舟", "许昌市工信局", "13900000003", "county"],
        ]));
        return File.ReadAllBytes(path);
    }

    /// <summary>Uploads a sheet on the import page (optionally with a default segment) and submits it.</summary>
    internal static async Task UploadAsync(IPage page, string name, byte[] sheet, string? defaultSegment = null)
    {
        await page.GotoAsync("/Subscribers/Import");
        await page.SetInputFilesAsync("input[name=upload]", new FilePayload
        {
            Name = name, MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = sheet,
        });
        if (defaultSegment is not null) await page.SelectOptionAsync("select[name=DefaultSegment]", defaultSegment);
        await page.ClickAsync("main form[enctype] button[type=submit]");
    }

    [Fact]
    public async Task An_unknown_header_is_mapped_before_import_and_the_rejects_file_downloads_with_its_rows_and_reasons()
    {
        await using var app = await WebApp.StartAsync();
        using var folder = new TempDirectory("import-mapping");
        await using var session = await BrowserSession.StartAsync();
        await using var context = await session.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await BrowserSession.SignInAsync(page, app.BaseUrl, WebApp.AdminLogin);

        // Upload: the two unknown headers are offered for mapping, and nothing is stored yet.
        await UploadAsync(page, "名单.xlsx", Sheet(folder));
        await page.WaitForSelectorAsync("#column-mapping", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await BrowserSession.ScreenshotAsync(page, "import-mapping");
        var offered = await page.Locator("#column-mapping select").EvaluateAllAsync<string[]>("s => s.map(x => x.dataset.header)");
        Assert.Equal(["工作部门", "联系手机"], offered);
        Assert.Contains("忽略", await page.Locator("#column-mapping select").First.TextContentAsync() ?? "");
        Assert.Null(await app.Subscribers.FindByEmailAsync("liu@example.org"));

        // Map 工作部门 → 单位, leave 联系手机 ignored, import.
        await page.SelectOptionAsync("#column-mapping select[data-header='工作部门']", "Organisation");
        await page.ClickAsync("#column-mapping button[type=submit]");
        await page.WaitForSelectorAsync("#import-summary", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await BrowserSession.ScreenshotAsync(page, "import-mapped");
        Assert.Equal("2", (await page.TextContentAsync("#imported"))?.Trim());
        Assert.Equal("1", (await page.TextContentAsync("#rejected"))?.Trim());
        Assert.Contains("联系手机", await page.TextContentAsync("#ignored-columns") ?? "");
        var liu = await app.Subscribers.FindByEmailAsync("liu@example.org");
        Assert.Equal("许昌市发改委", liu?.Organisation);
        Assert.Equal("许昌市工信局", (await app.Subscribers.FindByEmailAsync("zhou@example.org"))?.Organisation);

        // The rejects file: the header and the rejected row as written, plus 原因.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#rejects-download"));
        Assert.Equal("名单.rejects.csv", download.SuggestedFilename);
        var saved = folder.File("downloaded.csv");
        await download.SaveAsAsync(saved);
        var lines = Encoding.UTF8.GetString(File.ReadAllBytes(saved)).TrimStart('\uFEFF').ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("邮箱,姓名,工作部门,联系手机,分组,原因", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("not-an-email,坏地址,某单位,13900000002,county,", lines[1], StringComparison.Ordinal);

        // Only its importer gets it: another admin and an id that is not one are told 404, an editor is refused.
        var href = await page.GetAttributeAsync("#rejects-download", "href");
        Assert.NotNull(href);
        var url = "/Subscribers/Import" + href;
        using (var mine = await app.ClientAsync(WebApp.AdminLogin))
        {
            Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await mine.GetAsync("/Subscribers/Import?handler=Rejects&id=..%2F..%2Fnewsletter.db")).StatusCode);
        }
        await app.Services.GetRequiredService<Newsletter.Core.Users.IUserStore>()
            .AddAsync("admin2", Newsletter.Core.Users.UserRole.Admin, Newsletter.Web.Accounts.Passwords.Hash(WebApp.Password));
        using (var other = await app.ClientAsync("admin2"))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url)).StatusCode);
        }
        using (var editor = await app.ClientAsync(WebApp.EditorLogin))
        {
            Assert.NotEqual(HttpStatusCode.OK, (await editor.GetAsync(url)).StatusCode);
        }
    }
}
