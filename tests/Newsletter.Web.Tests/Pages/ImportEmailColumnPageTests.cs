using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Newsletter.Web.Tests.Pages;

/// <summary>
/// A list whose e-mail header no synonym knows, over HTTP (issue 19): a CSV with 联系方式 gets the mapping step and
/// imports with it; a list without a header line (its first row is already data) is still refused with the reason.
/// </summary>
public sealed class ImportEmailColumnPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private static async Task<(HttpStatusCode Status, string Html)> Post(HttpClient admin, HttpContent content)
    {
        using var response = await admin.PostAsync("/Subscribers/Import", content);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<(HttpStatusCode Status, string Html)> Upload(HttpClient admin, string csv)
    {
        var token = WebApp.Token(await admin.GetStringAsync("/Subscribers/Import"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        form.Add(new StringContent("enterprise"), "DefaultSegment");
        var file = new ByteArrayContent(new UTF8Encoding(false).GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "upload", "企业名单.csv");
        return await Post(admin, form);
    }

    [Fact]
    public async Task A_csv_whose_email_header_is_unknown_is_mapped_and_imported()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var (status, html) = await Upload(admin, $"企业,联系方式,姓名\r\n许昌远东传动轴股份有限公司,yd-{id}@example.org,李娜\r\n");

        Assert.Equal(HttpStatusCode.OK, status);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("true", page.QuerySelector("#column-mapping")?.GetAttribute("data-needs-email"));
        Assert.Equal(["企业", "联系方式"], page.QuerySelectorAll("#column-mapping select").Select(s => s.GetAttribute("data-header")));
        Assert.Null(await App.Subscribers.FindByEmailAsync($"yd-{id}@example.org"));

        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!),
            new("Pending", page.QuerySelector("input[name=Pending]")!.GetAttribute("value")!),
            new("DefaultSegment", page.QuerySelector("#column-mapping input[name=DefaultSegment]")!.GetAttribute("value")!),
            new("Header", "企业"), new("Field", "Organisation"),
            new("Header", "联系方式"), new("Field", "Email"),
        };
        using var mapping = new FormUrlEncodedContent(fields);
        (status, html) = await Post(admin, mapping);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelector("#imported")?.TextContent);
        var li = await App.Subscribers.FindByEmailAsync($"yd-{id}@example.org");
        Assert.Equal(("李娜", "许昌远东传动轴股份有限公司"), (li?.Name, li?.Organisation));
        Assert.Equal(["enterprise"], li?.Segments);
    }

    [Fact]
    public async Task A_list_without_a_header_line_is_refused_not_offered_for_mapping()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var (status, html) = await Upload(admin, $"许昌市科学技术局,wang-{id}@example.org,王建国\r\n禹州市人民政府,zhang-{id}@example.org,张伟\r\n");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.DoesNotContain("id=\"column-mapping\"", html, StringComparison.Ordinal);
        var errors = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelector("#import-summary ul.errors")?.TextContent ?? "";
        Assert.Contains("企业名单.csv", errors, StringComparison.Ordinal);
        Assert.Null(await App.Subscribers.FindByEmailAsync($"wang-{id}@example.org"));
    }
}
