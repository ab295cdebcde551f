using System.Net;
using Newsletter.Core.Audience;

namespace Newsletter.Web.Tests.Public;

public sealed class UnsubscribeTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private SubscriberTokens Tokens => App.Services.GetRequiredService<SubscriberTokens>();

    [Fact]
    public async Task The_link_asks_for_confirmation_in_Chinese_and_changes_nothing()
    {
        var subscriber = await App.AddSubscriberAsync($"confirm-{Guid.NewGuid():N}@example.org", "张三", "municipal");
        using var client = await App.ClientAsync();

        using var response = await client.GetAsync("/u/" + Tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 7));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("确认退订", html);
        Assert.Contains(subscriber.Email, html);
        Assert.Equal(SubscriberStatus.Active, (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
    }

    [Fact]
    public async Task One_click_post_unsubscribes_without_cookies_or_antiforgery_token_and_answers_200()
    {
        var subscriber = await App.AddSubscriberAsync($"oneclick-{Guid.NewGuid():N}@example.org", "张三", "county");
        // A bare client as a mail provider uses it: no cookies, no earlier GET, the RFC 8058 body only.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var response = await client.PostAsync($"{App.BaseUrl}/u/{Tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 3)}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("List-Unsubscribe=Yes")]
    [InlineData("unsubscribe=1")]
    public async Task A_post_without_the_one_click_body_shows_the_confirmation_and_changes_nothing(string? body)
    {
        var subscriber = await App.AddSubscriberAsync($"noclick-{Guid.NewGuid():N}@example.org", "张三", "county");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var content = body is null ? null : new StringContent(body, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await client.PostAsync($"{App.BaseUrl}/u/{Tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 3)}", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"confirm-unsubscribe\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(SubscriberStatus.Active, (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task Forged_tokens_get_404_and_change_nothing(string forged)
    {
        var subscriber = await App.AddSubscriberAsync($"forged-{Guid.NewGuid():N}@example.org", "王五", "enterprise");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var get = await client.GetAsync($"{App.BaseUrl}/u/{forged}");
        using var post = await client.PostAsync($"{App.BaseUrl}/u/{forged}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(SubscriberStatus.Active, (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
    }

    [Fact]
    public async Task A_tampered_or_wrong_purpose_token_gets_404()
    {
        var subscriber = await App.AddSubscriberAsync($"tamper-{Guid.NewGuid():N}@example.org", "赵六", "enterprise");
        var token = Tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 1);
        var tampered = (token[^1] == 'A' ? token[..^1] + "B" : token[..^1] + "A");
        var viewToken = Tokens.Create(TokenPurpose.View, subscriber.Id, 1);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        foreach (var bad in new[] { tampered, viewToken })
        {
            using var post = await client.PostAsync($"{App.BaseUrl}/u/{bad}", new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        Assert.Equal(SubscriberStatus.Active, (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
    }

    [Fact]
    public async Task Health_answers_ok()
    {
        using var client = await App.ClientAsync();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}
