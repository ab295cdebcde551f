using Microsoft.Playwright;
using Newsletter.Core.Audience;
using Newsletter.Testing;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// The web import of a sheet whose e-mail header no synonym knows (issue 19): the upload is not refused; the mapping
/// step offers the sheet's unknown headers and asks which one holds the addresses, insists on one, and imports with it.
/// </summary>
[Requires("chromium")]
public sealed class ImportEmailColumnBrowserTests
{
    private static readonly PageWaitForSelectorOptions Wait = new() { Timeout = 30_000 };

    private static byte[] Sheet(TempDirectory folder)
    {
        var path = folder.File("通讯录.xlsx");
        XlsxFiles.Write(path, XlsxFiles.Rows(
        [
            ["2026年赠阅名单", "", "", "", ""],
            ["序号", "姓名", "Mail box", "工作部门", "联系电话"],
            ["1", "刘洋", "liu@example.org", "许昌市发改委", "13900000001"],
            ["2", "周舟", "zhou@example.org", "许昌市工信局", "13900000002"],
            ["3", "坏地址", "not-an-email", "某单位", "13900000003"],
        ]));
        return File.ReadAllBytes(path);
    }

    [Fact]
    public async Task A_sheet_without_a_recognised_email_column_is_mapped_by_the_admin_and_imported()
    {
        await using var app = await WebApp.StartAsync();
        using var folder = new TempDirectory("import-email-column");
        await using var session = await BrowserSession.StartAsync();
        await using var context = await session.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await BrowserSession.SignInAsync(page, app.BaseUrl, WebApp.AdminLogin);

        // Upload with 县级领导 as the default segment: the mapping step asks for the e-mail column; nothing is stored yet.
        await ImportMappingBrowserTests.UploadAsync(page, "通讯录.xlsx", Sheet(folder), defaultSegment: "county");
        await page.WaitForSelectorAsync("#column-mapping", Wait);
        Assert.Equal("true", await page.GetAttributeAsync("#column-mapping", "data-needs-email"));
        Assert.Contains("没有识别出邮箱列", await page.TextContentAsync("#column-mapping") ?? "", StringComparison.Ordinal);
        var offered = await page.Locator("#column-mapping select").EvaluateAllAsync<string[]>("s => s.map(x => x.dataset.header)");
        Assert.Equal(["序号", "Mail box", "工作部门", "联系电话"], offered);
        Assert.Equal(0, await app.Subscribers.CountAllAsync());

        // Confirming without an e-mail column is asked again, not imported.
        await page.ClickAsync("#column-mapping button[type=submit]");
        await page.WaitForSelectorAsync("#column-mapping", Wait);
        Assert.Contains("请选择哪一列是邮箱", await page.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await app.Subscribers.CountAllAsync());

        // Mail box → 邮箱, 工作部门 → 单位; 序号 and 联系电话 stay ignored.
        await BrowserSession.ScreenshotAsync(page, "import-email-column");
        await page.SelectOptionAsync("#column-mapping select[data-header='Mail box']", "Email");
        await page.SelectOptionAsync("#column-mapping select[data-header='工作部门']", "Organisation");
        await page.ClickAsync("#column-mapping button[type=submit]");
        await page.WaitForSelectorAsync("#import-summary", Wait);
        Assert.Equal("2", (await page.TextContentAsync("#imported"))?.Trim());
        Assert.Equal("1", (await page.TextContentAsync("#rejected"))?.Trim());
        var ignored = await page.TextContentAsync("#ignored-columns") ?? "";
        Assert.Contains("序号", ignored, StringComparison.Ordinal);
        Assert.Contains("联系电话", ignored, StringComparison.Ordinal);

        var liu = await app.Subscribers.FindByEmailAsync("liu@example.org");
        Assert.Equal(("刘洋", "许昌市发改委", "web:通讯录.xlsx"), (liu?.Name, liu?.Organisation, liu?.Source));
        Assert.Equal(["county"], liu?.Segments);
        var zhou = await app.Subscribers.FindByEmailAsync("zhou@example.org");
        Assert.Equal(("周舟", "许昌市工信局"), (zhou?.Name, zhou?.Organisation));
        Assert.Equal(2, await app.Subscribers.CountAllAsync());
        Assert.Null(await app.Subscribers.FindByEmailAsync("not-an-email"));
    }
}
