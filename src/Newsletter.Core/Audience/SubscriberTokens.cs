using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Core.Audience;

/// <summary>What a token lets its bearer do.</summary>
public enum TokenPurpose : byte
{
    Unsubscribe = 1,
    View = 2,
}

/// <summary>
/// Opaque URL-safe tokens for the unsubscribe and web-view links: base64url of
/// version · purpose · subscriber id · campaign id · HMAC-SHA256 of those (truncated to 128 bits).
/// A token made for one purpose does not verify for the other; altered, truncated or forged tokens never verify.
/// </summary>
public sealed class SubscriberTokens
{
    private const byte Version = 1;
    private const int PayloadLength = 1 + 1 + 8 + 8;
    private const int MacLength = 16;
    private const int TokenLength = PayloadLength + MacLength;

    private readonly byte[] _key;

    /// <param name="secret">At least 16 bytes; the same on every node that verifies the tokens.</param>
    public SubscriberTokens(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("the token secret must be at least 16 bytes", nameof(secret));
        }
        // A per-use key, so the configured secret could serve other purposes later without cross-use.
        _key = HMACSHA256.HashData(secret, "newsletter/subscriber-tokens/v1"u8);
    }

    /// <summary>Builds a token from a configured text secret (UTF-8 bytes; at least 16).</summary>
    public static SubscriberTokens FromText(string secret) => new(Encoding.UTF8.GetBytes(secret));

    public string Create(TokenPurpose purpose, long subscriberId, long campaignId = 0)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Version;
        token[1] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(token[2..], subscriberId);
        BinaryPrimitives.WriteInt64BigEndian(token[10..], campaignId);
        Mac(token[..PayloadLength], token[PayloadLength..]);
        return Base64Url.Encode(token);
    }

    /// <summary>True when <paramref name="token"/> was made by <see cref="Create"/> with this secret for <paramref name="purpose"/>.</summary>
    public bool TryVerify(string? token, TokenPurpose purpose, out long subscriberId, out long campaignId)
    {
        subscriberId = 0;
        campaignId = 0;
        Span<byte> bytes = stackalloc byte[TokenLength + 3];
        if (token is null || token.Length != Base64Url.EncodedLength(TokenLength) ||
            !Base64Url.TryDecode(token, bytes, out var written) || written != TokenLength)
        {
            return false;
        }

        var data = bytes[..TokenLength];
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(data[..PayloadLength], expected);
        var macOk = CryptographicOperations.FixedTimeEquals(expected, data[PayloadLength..]);
        if (!macOk || data[0] != Version || data[1] != (byte)purpose)
        {
            return false;
        }

        subscriberId = BinaryPrimitives.ReadInt64BigEndian(data[2..]);
        campaignId = BinaryPrimitives.ReadInt64BigEndian(data[10..]);
        return true;
    }

    private void Mac(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, full);
        full[..MacLength].CopyTo(destination);
    }

    /// <summary>RFC 4648 §5 without padding; decoding is strict (canonical encodings only).</summary>
    private static class Base64Url
    {
        public static int EncodedLength(int bytes) => (bytes * 4 + 2) / 3;

        public static string Encode(ReadOnlySpan<byte> data) =>
            Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryDecode(string text, Span<byte> destination, out int written)
        {
            written = 0;
            foreach (var c in text)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')) return false;
            }
            var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4);
            if (!Convert.TryFromBase64String(padded, destination, out written)) return false;
            // Reject non-canonical spellings (other trailing bits) so one token has exactly one text.
            return Encode(destination[..written]) == text;
        }
    }
}
