using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Core.Bounces;

/// <summary>
/// VERP return paths that name the outbox row, HMAC-protected: <c>{token}</c> in <c>Sender:VerpReturnPath</c>
/// (e.g. <c>bounces+{token}@xcsti.example.org</c>) becomes <c>&lt;row id&gt;.&lt;16 base32 characters of HMAC-SHA256&gt;</c>,
/// at most 36 characters, so the local part stays within 64. Lower-case only (some relays lower-case local parts).
/// Nobody without the secret can make a return path that names another row.
/// </summary>
public sealed partial class VerpAddresses
{
    private readonly byte[] _key;
    private readonly string _pattern;

    /// <param name="pattern">The configured return path holding <c>{token}</c>.</param>
    /// <param name="secret">The application secret (the one unsubscribe tokens use), at least 16 bytes.</param>
    public VerpAddresses(string pattern, ReadOnlySpan<byte> secret)
    {
        if (!pattern.Contains("{token}", StringComparison.Ordinal) || !pattern.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Sender:VerpReturnPath \"{pattern}\" must be an address holding {{token}}, e.g. bounces+{{token}}@example.org", nameof(pattern));
        }
        if (secret.Length < 16) throw new ArgumentException("the secret must be at least 16 bytes", nameof(secret));
        _pattern = pattern.Trim();
        _key = HMACSHA256.HashData(secret, "newsletter/verp/v1"u8);
    }

    /// <summary>The return path for outbox row <paramref name="outboxId"/>.</summary>
    public string Create(long outboxId) => _pattern.Replace("{token}", Token(outboxId), StringComparison.Ordinal);

    /// <summary>True when <paramref name="address"/> holds a token made by <see cref="Create"/> with this secret.</summary>
    public bool TryRead(string address, out long outboxId)
    {
        outboxId = 0;
        var m = TokenPattern().Match(address ?? "");
        if (!m.Success || !long.TryParse(m.Groups["id"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return false;
        var expected = Encoding.ASCII.GetBytes(Mac(id));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(m.Groups["mac"].Value.ToLowerInvariant()))) return false;
        outboxId = id;
        return true;
    }

    private string Token(long id) => id.ToString(CultureInfo.InvariantCulture) + "." + Mac(id);

    private string Mac(long id)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture)));
        // 80 bits as 16 base32 characters.
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var sb = new StringBuilder(16);
        ulong hi = 0;
        int bits = 0, i = 0;
        while (sb.Length < 16)
        {
            if (bits < 5) { hi = (hi << 8) | mac[i++]; bits += 8; }
            sb.Append(alphabet[(int)((hi >> (bits - 5)) & 31)]);
            bits -= 5;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"(?<![\d])(?<id>\d{1,19})\.(?<mac>[A-Za-z2-7]{16})@", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TokenPattern();
}
