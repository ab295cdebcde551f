using System.Net;

namespace Newsletter.Web.Tests.Infrastructure;

public sealed class SecurityHeadersTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/u/forged")]
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string url)
    {
        using var client = await App.ClientAsync();

        using var response = await client.GetAsync(url);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Previews_may_be_framed_by_the_admin_only_and_run_no_script()
    {
        var upload = await App.UploadSampleAsync();
        using var editor = await App.ClientAsync(WebApp.EditorLogin);

        using var response = await editor.GetAsync($"/issues/{upload.Id}/preview/municipal");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'self'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.StartsWith("default-src 'none'", csp);
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task English_is_chosen_with_the_query_and_remembered()
    {
        using var client = await App.ClientAsync();

        using var english = await client.GetAsync("/Account/Login?culture=en");
        Assert.Contains(english.Headers.GetValues("Set-Cookie"), v => v.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        using var later = await client.GetAsync("/Account/Login");
        using var chinese = await (await App.ClientAsync()).GetAsync("/Account/Login");

        Assert.Contains("Sign in", await english.Content.ReadAsStringAsync());
        Assert.Contains("Sign in", await later.Content.ReadAsStringAsync());
        Assert.Contains("登录", await chinese.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Sign in", await chinese.Content.ReadAsStringAsync());
    }
}
