using System.Security.Cryptography;
using Newsletter.Core.Security;

namespace Newsletter.Data;

/// <summary>
/// Random secrets generated once and kept in the database (<c>app_secrets</c>), so every node sharing one
/// PostgreSQL agrees on them: the first node to ask creates the value, later ones read it (<see cref="IAppSecrets"/>).
/// </summary>
public sealed class AppSecrets(NewsletterDatabase database, TimeProvider time) : IAppSecrets
{
    /// <summary>The secret called <paramref name="name"/>, creating <paramref name="length"/> random bytes on first use.</summary>
    public async Task<byte[]> GetOrCreateAsync(string name, int length = 32, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using (var insert = connection.Command(
            "INSERT INTO app_secrets (name, value, created_at) VALUES (@name, @value, @now) ON CONFLICT (name) DO NOTHING"))
        {
            await insert.With("@name", name).With("@value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(length)))
                .With("@now", time.GetUtcNow()).ExecuteNonQueryAsync(ct);
        }
        await using var select = connection.Command("SELECT value FROM app_secrets WHERE name = @name").With("@name", name);
        var value = (string)(await select.ExecuteScalarAsync(ct))!;
        return Convert.FromBase64String(value);
    }
}
