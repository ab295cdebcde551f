using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Core.Audience;

/// <summary>What a token lets its bearer do.</summary>
public enum TokenPurpose : byte
{
    Unsubscribe = 1,
    View = 2,

    /// <summary>Issue 21: the open pixel of a tracked campaign.</summary>
    Open = 3,

    /// <summary>Issue 21: one link's click redirect of a tracked campaign (the link's number is in the signed campaign field).</summary>
    Click = 4,
}

/// <summary>
/// One secret of the token key ring. Version 0 is the original secret; <c>newsletter secrets rotate-token</c> adds the
/// next. A key stops signing when a newer one exists and stops verifying <see cref="SubscriberTokens.GracePeriod"/>
/// after <paramref name="RetiredAt"/> (the moment the next key was created).
/// </summary>
/// <param name="Version">0–65535.</param>
/// <param name="Secret">At least 16 bytes.</param>
/// <param name="RetiredAt">When the next version was created; null for the newest key.</param>
public sealed record TokenKey(int Version, byte[] Secret, DateTimeOffset? RetiredAt = null);

/// <summary>
/// Opaque URL-safe tokens for the unsubscribe and web-view links: base64url of
/// format 2 · key version (16 bits) · purpose · subscriber id · campaign id · HMAC-SHA256 of those (truncated to 128 bits).
/// The format of earlier releases (format 1 · purpose · ids · MAC, no key version) verifies as key version 0.
/// A token made for one purpose does not verify for the other; altered, truncated or forged tokens never verify, and
/// neither do tokens of a retired key once its grace period is over.
/// </summary>
/// <remarks>Thread-safe: <see cref="UseKeys"/> swaps the whole ring at once (a running <c>serve</c> reloads it after a rotation).</remarks>
public sealed class SubscriberTokens
{
    private const byte LegacyFormat = 1;
    private const byte Format = 2;
    private const int LegacyPayloadLength = 1 + 1 + 8 + 8;
    private const int PayloadLength = 1 + 2 + 1 + 8 + 8;
    private const int MacLength = 16;
    private const int LegacyTokenLength = LegacyPayloadLength + MacLength;
    private const int TokenLength = PayloadLength + MacLength;

    /// <summary>How long links of a retired key keep working unless configured (<c>Security:TokenGracePeriod</c>).</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromDays(90);

    private readonly TimeProvider _time;
    private volatile Ring _ring;

    /// <param name="secret">At least 16 bytes; the same on every node that verifies the tokens. Key version 0, never retired.</param>
    public SubscriberTokens(ReadOnlySpan<byte> secret)
        : this([new TokenKey(0, secret.ToArray())], DefaultGracePeriod, TimeProvider.System)
    {
    }

    /// <param name="keys">The key ring (at least one key); the highest version signs.</param>
    /// <param name="gracePeriod">How long a retired key still verifies after its retirement.</param>
    /// <param name="time">The clock the grace period is measured on.</param>
    public SubscriberTokens(IReadOnlyList<TokenKey> keys, TimeSpan gracePeriod, TimeProvider time)
    {
        GracePeriod = gracePeriod < TimeSpan.Zero ? TimeSpan.Zero : gracePeriod;
        _time = time;
        _ring = Ring.Of(keys);
    }

    /// <summary>Builds a token from a configured text secret (UTF-8 bytes; at least 16).</summary>
    public static SubscriberTokens FromText(string secret) => new(Encoding.UTF8.GetBytes(secret));

    public TimeSpan GracePeriod { get; }

    /// <summary>The version new tokens are signed with.</summary>
    public int CurrentVersion => _ring.Current.Version;

    /// <summary>Replaces the key ring (after <c>secrets rotate-token</c>, read again from the database).</summary>
    public void UseKeys(IReadOnlyList<TokenKey> keys) => _ring = Ring.Of(keys);

    public string Create(TokenPurpose purpose, long subscriberId, long campaignId = 0)
    {
        var key = _ring.Current;
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Format;
        BinaryPrimitives.WriteUInt16BigEndian(token[1..], (ushort)key.Version);
        token[3] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(token[4..], subscriberId);
        BinaryPrimitives.WriteInt64BigEndian(token[12..], campaignId);
        Mac(key.MacKey, token[..PayloadLength], token[PayloadLength..]);
        return Base64Url.Encode(token);
    }

    /// <summary>
    /// True when <paramref name="token"/> was made by <see cref="Create"/> for <paramref name="purpose"/> with a key of the
    /// ring that is current or retired less than <see cref="GracePeriod"/> ago.
    /// </summary>
    public bool TryVerify(string? token, TokenPurpose purpose, out long subscriberId, out long campaignId)
    {
        subscriberId = 0;
        campaignId = 0;
        Span<byte> bytes = stackalloc byte[TokenLength + 3];
        if (token is null || (token.Length != Base64Url.EncodedLength(TokenLength) && token.Length != Base64Url.EncodedLength(LegacyTokenLength)) ||
            !Base64Url.TryDecode(token, bytes, out var written))
        {
            return false;
        }

        // Format 1 (before key versions): version 0, purpose at [1], ids at [2] and [10].
        var (payloadLength, version, at) = written switch
        {
            LegacyTokenLength when bytes[0] == LegacyFormat => (LegacyPayloadLength, 0, 1),
            TokenLength when bytes[0] == Format => (PayloadLength, BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]), 3),
            _ => (0, -1, 0),
        };
        if (version < 0 || _ring.Find(version) is not { } key || !IsValid(key))
        {
            return false;
        }

        var data = bytes[..(payloadLength + MacLength)];
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(key.MacKey, data[..payloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, data[payloadLength..]) || data[at] != (byte)purpose)
        {
            return false;
        }

        subscriberId = BinaryPrimitives.ReadInt64BigEndian(data[(at + 1)..]);
        campaignId = BinaryPrimitives.ReadInt64BigEndian(data[(at + 9)..]);
        return true;
    }

    private bool IsValid(RingKey key) => key.RetiredAt is not { } retired || _time.GetUtcNow() < retired + GracePeriod;

    private static void Mac(byte[] key, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, payload, full);
        full[..MacLength].CopyTo(destination);
    }

    private sealed record RingKey(int Version, byte[] MacKey, DateTimeOffset? RetiredAt);

    private sealed class Ring
    {
        private readonly Dictionary<int, RingKey> _keys;

        private Ring(Dictionary<int, RingKey> keys, RingKey current) => (_keys, Current) = (keys, current);

        public RingKey Current { get; }

        public RingKey? Find(int version) => _keys.GetValueOrDefault(version);

        public static Ring Of(IReadOnlyList<TokenKey> keys)
        {
            if (keys.Count == 0) throw new ArgumentException("the token key ring is empty", nameof(keys));
            var ring = new Dictionary<int, RingKey>();
            foreach (var key in keys)
            {
                if (key.Secret.Length < 16) throw new ArgumentException("the token secret must be at least 16 bytes", nameof(keys));
                if (key.Version is < 0 or > ushort.MaxValue) throw new ArgumentException($"token key version {key.Version} is out of range", nameof(keys));
                // A per-use key, so the configured secret could serve other purposes later without cross-use.
                ring[key.Version] = new RingKey(key.Version, HMACSHA256.HashData(key.Secret, "newsletter/subscriber-tokens/v1"u8), key.RetiredAt);
            }
            var newest = ring[ring.Keys.Max()];
            // The newest key signs and is never retired, whatever the caller said.
            ring[newest.Version] = newest with { RetiredAt = null };
            return new Ring(ring, ring[newest.Version]);
        }
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
