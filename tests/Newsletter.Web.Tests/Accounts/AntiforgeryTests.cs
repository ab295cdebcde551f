using System.Net;

namespace Newsletter.Web.Tests.Accounts;

public sealed class AntiforgeryTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task Every_form_post_without_the_token_is_refused()
    {
        var pages = Endpoints.All(App).Where(Endpoints.IsPage).Where(e => Endpoints.Route(e) != "u/{token}").ToList();
        Assert.True(pages.Count >= 10, $"only {pages.Count} pages found");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        foreach (var page in pages)
        {
            var url = Endpoints.Url(page);
            using var response = await admin.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {url} without a token: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Sign_in_without_the_token_is_refused()
    {
        using var client = await App.ClientAsync();

        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = WebApp.AdminLogin,
            ["Password"] = WebApp.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("nl.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_token_from_another_session_is_refused()
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        using var other = await App.ClientAsync(WebApp.AdminLogin);
        var foreignToken = WebApp.Token(await other.GetStringAsync("/Segments"));

        using var response = await admin.PostAsync("/Segments", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = foreignToken,
            ["Key"] = "forged",
            ["NameZh"] = "伪造",
            ["NameEn"] = "Forged",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await App.Subscribers.ListSegmentsAsync(), s => s.Key == "forged");
    }
}
