using System.Text;
using Newsletter.Core.Audience;

namespace Newsletter.Core.Tests.Audience;

public sealed class SubscriberTokensTests
{
    private readonly SubscriberTokens _tokens = SubscriberTokens.FromText("a test secret of enough length");

    [Theory]
    [InlineData(TokenPurpose.Unsubscribe, 1L, 0L)]
    [InlineData(TokenPurpose.View, 987654321L, 42L)]
    [InlineData(TokenPurpose.Unsubscribe, long.MaxValue, long.MaxValue)]
    public void Round_trips(TokenPurpose purpose, long subscriber, long campaign)
    {
        var token = _tokens.Create(purpose, subscriber, campaign);
        Assert.True(_tokens.TryVerify(token, purpose, out var s, out var c));
        Assert.Equal((subscriber, campaign), (s, c));
    }

    [Fact]
    public void Tokens_are_url_safe_and_short()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 123456, 7);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.True(token.Length <= 48, token);
        Assert.Equal(token, Uri.EscapeDataString(token));
    }

    [Fact]
    public void Purpose_is_bound() =>
        Assert.False(_tokens.TryVerify(_tokens.Create(TokenPurpose.View, 5), TokenPurpose.Unsubscribe, out _, out _));

    [Fact]
    public void Another_secret_does_not_verify() =>
        Assert.False(SubscriberTokens.FromText("another secret, also long enough")
            .TryVerify(_tokens.Create(TokenPurpose.Unsubscribe, 5), TokenPurpose.Unsubscribe, out _, out _));

    [Fact]
    public void Every_single_character_change_is_rejected()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 77, 3);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < token.Length; i++)
        {
            foreach (var c in alphabet)
            {
                if (c == token[i]) continue;
                var altered = token[..i] + c + token[(i + 1)..];
                Assert.False(_tokens.TryVerify(altered, TokenPurpose.Unsubscribe, out _, out _), altered);
            }
        }
    }

    [Fact]
    public void Truncated_extended_and_garbage_tokens_are_rejected()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 77, 3);
        for (var n = 0; n < token.Length; n++)
        {
            Assert.False(_tokens.TryVerify(token[..n], TokenPurpose.Unsubscribe, out _, out _));
        }
        Assert.False(_tokens.TryVerify(token + "A", TokenPurpose.Unsubscribe, out _, out _));
        Assert.False(_tokens.TryVerify(token + "=", TokenPurpose.Unsubscribe, out _, out _));
        Assert.False(_tokens.TryVerify(null, TokenPurpose.Unsubscribe, out _, out _));
        Assert.False(_tokens.TryVerify(new string('!', token.Length), TokenPurpose.Unsubscribe, out _, out _));
    }

    [Fact]
    public void A_forged_token_for_another_subscriber_is_rejected()
    {
        // Forgery attempt: take a valid token's MAC and swap in another subscriber id.
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 77, 3);
        var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - token.Length % 4) % 4));
        bytes[9] ^= 0x01;
        var forged = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.NotEqual(token, forged);
        Assert.False(_tokens.TryVerify(forged, TokenPurpose.Unsubscribe, out _, out _));
    }

    [Fact]
    public void Short_secrets_are_refused() =>
        Assert.Throws<ArgumentException>(() => new SubscriberTokens(Encoding.UTF8.GetBytes("short")));
}
