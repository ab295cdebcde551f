using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newsletter.Core.Audience;
using Newsletter.Web.Infrastructure;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Infrastructure;

/// <summary>What a stranger learns from and can steer in the responses: server name, caching, Host, forwarded headers, errors.</summary>
public sealed class HostingHardeningTests
{
    private static Dictionary<string, string?> Settings(string key, string value) => new() { [key] = value };

    [Fact]
    public async Task No_Server_header_and_no_store_on_sign_in_and_token_pages_while_assets_stay_cacheable()
    {
        await using var app = await WebApp.StartAsync();
        using var client = await app.ClientAsync();

        foreach (var path in new[] { "/Account/Login", "/u/forged-token", "/v/forged-token", "/healthz" })
        {
            using var response = await client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path}: Server: {string.Join(",", response.Headers.TryGetValues("Server", out var s) ? s : [])}");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{path}: Cache-Control: {response.Headers.CacheControl}");
        }
        using var css = await client.GetAsync(Assets.StylesheetPath);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.True(css.Headers.CacheControl?.Public == true, $"stylesheet: {css.Headers.CacheControl}");
    }

    [Fact]
    public async Task A_forged_Host_header_never_reaches_a_Location()
    {
        await using var app = await WebApp.StartAsync();
        using var client = await app.ClientAsync();

        foreach (var path in new[] { "/Issues", "/Subscribers", "/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!.ToString();
            Assert.DoesNotContain("evil.example", location);
            Assert.StartsWith("/Account/Login?ReturnUrl=", location);
        }
    }

    [Fact]
    public async Task AllowedHosts_refuses_a_foreign_Host_header()
    {
        await using var app = await WebApp.StartAsync(settings: Settings("AllowedHosts", "127.0.0.1;bulletin.example.org"));
        using var client = await app.ClientAsync();
        using var evil = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        evil.Headers.Host = "evil.example";
        using var good = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        good.Headers.Host = "bulletin.example.org";

        using var refused = await client.SendAsync(evil);
        using var accepted = await client.SendAsync(good);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("10.9.9.9", false)]
    [InlineData("127.0.0.0/8", true)]
    public async Task Forwarded_headers_are_believed_only_from_the_known_proxies(string? knownProxies, bool believed)
    {
        await using var app = await WebApp.StartAsync(settings: knownProxies is null ? null : Settings("Web:KnownProxies", knownProxies));
        using var client = await app.ClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");

        using var response = await client.SendAsync(request);

        // HSTS is sent on https only: it shows whether the proxy's word on the scheme was taken.
        Assert.Equal(believed, response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task An_unexpected_fault_is_a_Chinese_page_with_a_correlation_id_and_no_stack()
    {
        await using var app = await WebApp.StartAsync(configure: web =>
        {
            web.MapGet("/test/fault", (HttpContext _) => throw new InvalidOperationException("internal detail at a secret place"));
            web.MapGet("/test/mistake", (HttpContext _) => throw new AudienceException("no segment 'x'; known: municipal, county"));
        });
        using var client = await app.ClientAsync();

        using var fault = await client.GetAsync("/test/fault");
        var faultPage = await fault.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, fault.StatusCode);
        var id = Assert.Single(fault.Headers.GetValues(WebErrors.IdHeader));
        Assert.Contains("出错了", faultPage);
        Assert.Contains($"错误编号：{id}", faultPage);
        Assert.DoesNotContain("internal detail", faultPage);
        Assert.DoesNotContain("InvalidOperationException", faultPage);
        Assert.DoesNotContain(" at ", faultPage.Replace("at a secret", "", StringComparison.Ordinal));

        using var mistake = await client.GetAsync("/test/mistake");
        var mistakePage = await mistake.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, mistake.StatusCode);
        Assert.Contains("no segment &#x27;x&#x27;; known: municipal, county", mistakePage);
        Assert.Contains("错误编号：" + Assert.Single(mistake.Headers.GetValues(WebErrors.IdHeader)), mistakePage);
        Assert.NotEqual(id, mistake.Headers.GetValues(WebErrors.IdHeader).Single());
    }

    [Fact]
    public void User_mistakes_map_to_4xx_and_faults_to_500()
    {
        Assert.Equal(400, WebErrors.StatusCode(new AudienceException("no segment 'x'")));
        Assert.Equal(409, WebErrors.StatusCode(new Core.Campaigns.EmptyAudienceException("0 recipients", "widen the filter")));
        Assert.Equal(400, WebErrors.StatusCode(new Core.Delivery.TestSendException("bad address", "use an e-mail address")));
        Assert.Equal(500, WebErrors.StatusCode(new InvalidOperationException("bug")));
        Assert.Equal(500, WebErrors.StatusCode(new NullReferenceException()));
    }
}
