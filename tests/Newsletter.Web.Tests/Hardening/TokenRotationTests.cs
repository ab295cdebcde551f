using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Newsletter.Core.Audience;
using Newsletter.Data;
using Newsletter.Web.Public;

namespace Newsletter.Web.Tests.Hardening;

/// <summary>Rotating the token secret: links signed before keep working for the grace period, then answer 404.</summary>
public sealed class TokenRotationTests
{
    private static async Task<string> LegacyLinkAsync(WebApp app, long subscriberId)
    {
        var secret = await app.Services.GetRequiredService<Core.Security.IAppSecrets>().GetOrCreateAsync(TokenKeyStore.BaseName);
        // A link as the release before key versions made it: format 1 · purpose · ids · MAC, no key version.
        var token = new byte[34];
        token[0] = 1;
        token[1] = (byte)TokenPurpose.Unsubscribe;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(2), subscriberId);
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(10), 1);
        var key = HMACSHA256.HashData(secret, "newsletter/subscriber-tokens/v1"u8);
        HMACSHA256.HashData(key, token.AsSpan(0, 18)).AsSpan(0, 16).CopyTo(token.AsSpan(18));
        return "/u/" + Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static async Task RotateAsync(WebApp app)
    {
        var options = app.Services.GetRequiredService<SubscriberTokenOptions>();
        await app.Services.GetRequiredService<TokenKeyStore>().RotateAsync(options.TokenGracePeriod);
        // What serve's refresher does every minute, now.
        await app.Services.GetRequiredService<TokenKeyRefresher>().RefreshAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Old_links_keep_working_during_the_grace_period_and_new_links_use_the_new_key()
    {
        await using var app = await WebApp.StartAsync();
        var subscriber = await app.AddSubscriberAsync($"rot-{Guid.NewGuid():N}@example.org", "轮换", "county");
        var tokens = app.Services.GetRequiredService<SubscriberTokens>();
        var legacy = await LegacyLinkAsync(app, subscriber.Id);
        var before = "/u/" + tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 1);
        using var client = await app.ClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(legacy)).StatusCode);

        await RotateAsync(app);
        var after = "/u/" + tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 1);

        Assert.Equal(1, tokens.CurrentVersion);
        Assert.NotEqual(before, after);
        foreach (var link in new[] { legacy, before, after })
        {
            using var response = await client.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Once_the_grace_period_is_over_old_links_answer_404_and_change_nothing()
    {
        // A grace period of 0: the rotation after a leak, old links end at once (the boundary itself is tested in Core).
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Security:TokenGracePeriod"] = "00:00:00" });
        var subscriber = await app.AddSubscriberAsync($"rot-{Guid.NewGuid():N}@example.org", "过期", "county");
        var tokens = app.Services.GetRequiredService<SubscriberTokens>();
        var legacy = await LegacyLinkAsync(app, subscriber.Id);
        var before = "/u/" + tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 1);

        await RotateAsync(app);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };

        foreach (var link in new[] { legacy, before })
        {
            using var get = await client.GetAsync(link);
            using var post = await client.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        Assert.Equal(SubscriberStatus.Active, (await app.Subscribers.FindByIdAsync(subscriber.Id))!.Status);
        using var fresh = await client.GetAsync("/u/" + tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, 1));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }
}
