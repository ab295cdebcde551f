using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
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

    private static readonly byte[] Old = Encoding.UTF8.GetBytes("the secret of key version zero");
    private static readonly byte[] New = Encoding.UTF8.GetBytes("the secret of key version one!!");

    /// <summary>A link as the release before key versions made it: format 1 · purpose · ids · MAC, no key version.</summary>
    internal static string LegacyToken(byte[] secret, TokenPurpose purpose, long subscriber, long campaign)
    {
        var token = new byte[34];
        token[0] = 1;
        token[1] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(2), subscriber);
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(10), campaign);
        var key = HMACSHA256.HashData(secret, "newsletter/subscriber-tokens/v1"u8);
        HMACSHA256.HashData(key, token.AsSpan(0, 18)).AsSpan(0, 16).CopyTo(token.AsSpan(18));
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [Fact]
    public void Links_of_the_format_before_key_versions_verify_as_version_zero()
    {
        var tokens = new SubscriberTokens(Old);

        Assert.True(tokens.TryVerify(LegacyToken(Old, TokenPurpose.Unsubscribe, 42, 7), TokenPurpose.Unsubscribe, out var s, out var c));
        Assert.Equal((42L, 7L), (s, c));
        Assert.False(tokens.TryVerify(LegacyToken(Old, TokenPurpose.View, 42, 7), TokenPurpose.Unsubscribe, out _, out _));
        Assert.False(tokens.TryVerify(LegacyToken(New, TokenPurpose.Unsubscribe, 42, 7), TokenPurpose.Unsubscribe, out _, out _));
    }

    [Fact]
    public void After_a_rotation_new_links_use_the_new_key_and_old_links_work_until_the_grace_period_ends()
    {
        var rotatedAt = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(rotatedAt - TimeSpan.FromDays(1));
        var before = new SubscriberTokens([new TokenKey(0, Old)], TimeSpan.FromDays(90), clock);
        var oldLink = before.Create(TokenPurpose.Unsubscribe, 5, 1);
        var legacyLink = LegacyToken(Old, TokenPurpose.Unsubscribe, 6, 1);

        var after = new SubscriberTokens([new TokenKey(0, Old, rotatedAt), new TokenKey(1, New)], TimeSpan.FromDays(90), clock);
        var newLink = after.Create(TokenPurpose.Unsubscribe, 5, 1);

        Assert.Equal(1, after.CurrentVersion);
        Assert.NotEqual(oldLink, newLink);
        Assert.False(before.TryVerify(newLink, TokenPurpose.Unsubscribe, out _, out _));
        clock.SetUtcNow(rotatedAt + TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        Assert.True(after.TryVerify(oldLink, TokenPurpose.Unsubscribe, out _, out _));
        Assert.True(after.TryVerify(legacyLink, TokenPurpose.Unsubscribe, out _, out _));
        clock.SetUtcNow(rotatedAt + TimeSpan.FromDays(90));
        Assert.False(after.TryVerify(oldLink, TokenPurpose.Unsubscribe, out _, out _));
        Assert.False(after.TryVerify(legacyLink, TokenPurpose.Unsubscribe, out _, out _));
        Assert.True(after.TryVerify(newLink, TokenPurpose.Unsubscribe, out var s, out _));
        Assert.Equal(5, s);
    }

    [Fact]
    public void A_token_naming_an_unknown_key_version_is_rejected()
    {
        var two = new SubscriberTokens([new TokenKey(0, Old, DateTimeOffset.UnixEpoch), new TokenKey(1, Old, DateTimeOffset.UnixEpoch), new TokenKey(2, New)],
            TimeSpan.FromDays(90), TimeProvider.System);
        var one = new SubscriberTokens([new TokenKey(0, Old, DateTimeOffset.UtcNow), new TokenKey(1, New)], TimeSpan.FromDays(90), TimeProvider.System);

        Assert.False(one.TryVerify(two.Create(TokenPurpose.View, 9), TokenPurpose.View, out _, out _));
    }
}
