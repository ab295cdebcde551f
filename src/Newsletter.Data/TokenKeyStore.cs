using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Newsletter.Core.Audience;

namespace Newsletter.Data;

/// <summary>The outcome of <see cref="TokenKeyStore.RotateAsync"/>.</summary>
/// <param name="Version">The new key's version: links are signed with it from now on.</param>
/// <param name="RotatedAt">When the previous key was retired.</param>
/// <param name="PreviousValidUntil">When links of the previous keys stop working (404).</param>
public sealed record TokenRotation(int Version, DateTimeOffset RotatedAt, DateTimeOffset PreviousValidUntil);

/// <summary>
/// The key ring of <see cref="SubscriberTokens"/>, in <c>app_secrets</c> so every node sharing the database agrees:
/// version 0 is <c>Security:TokenSecret</c> when configured, else the generated secret <c>subscriber-tokens</c>;
/// each rotation adds <c>subscriber-tokens/v{n}</c>, and its creation time retires the version before it.
/// </summary>
public sealed class TokenKeyStore(NewsletterDatabase database, AppSecrets secrets, TimeProvider time, string? configuredSecret) : ITokenKeyRing
{
    /// <summary>The name of key version 0 in <c>app_secrets</c>.</summary>
    public const string BaseName = "subscriber-tokens";

    private const string VersionPrefix = BaseName + "/v";

    /// <summary>Every key, oldest first, each with the time the next one retired it.</summary>
    public async Task<IReadOnlyList<TokenKey>> LoadAsync(CancellationToken ct = default)
    {
        var first = configuredSecret is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            : await secrets.GetOrCreateAsync(BaseName, 32, ct);
        var rotated = new List<(int Version, byte[] Secret, DateTimeOffset CreatedAt)>();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var select = connection.Command("SELECT name, value, created_at FROM app_secrets WHERE name LIKE @p")
            .With("@p", VersionPrefix + "%");
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (int.TryParse(reader.GetString(0).AsSpan(VersionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                rotated.Add((version, Convert.FromBase64String(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }
        rotated.Sort((a, b) => a.Version.CompareTo(b.Version));

        var keys = new List<TokenKey>(rotated.Count + 1);
        var all = new List<(int Version, byte[] Secret)> { (0, first) };
        all.AddRange(rotated.Select(r => (r.Version, r.Secret)));
        for (var i = 0; i < all.Count; i++)
        {
            keys.Add(new TokenKey(all[i].Version, all[i].Secret, i + 1 < all.Count ? rotated[i].CreatedAt : null));
        }
        return keys;
    }

    /// <summary>Creates the next key: new links are signed with it; older links keep working for <paramref name="gracePeriod"/>.</summary>
    public async Task<TokenRotation> RotateAsync(TimeSpan gracePeriod, CancellationToken ct = default)
    {
        var current = (await LoadAsync(ct)).Max(k => k.Version);
        var next = current + 1;
        if (next > ushort.MaxValue)
        {
            throw new InvalidOperationException("the token key ring is full (65,535 rotations)");
        }
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        // Two admins rotating at once: one insert wins, the other fails on the key and rotates nothing more.
        await using var insert = connection.Command(
            "INSERT INTO app_secrets (name, value, created_at) VALUES (@name, @value, @now) ON CONFLICT (name) DO NOTHING");
        await insert.With("@name", VersionPrefix + next.ToString(CultureInfo.InvariantCulture))
            .With("@value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).With("@now", now).ExecuteNonQueryAsync(ct);
        var retired = (await LoadAsync(ct)).Single(k => k.Version == current).RetiredAt ?? now;
        return new TokenRotation(next, retired, retired + gracePeriod);
    }
}
