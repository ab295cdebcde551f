using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

// The admin's writes to single subscribers and the suppression list that outlives a removed one.
public sealed partial class SqlSubscriberStore
{
    public async Task<Subscriber> AddAsync(SubscriberDraft draft, string? consentNote = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var email = NormalizeOrThrow(draft.Email);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var segments = await ResolveSegmentsAsync(connection, transaction, draft.Segments, ct);
        var hash = SuppressionHash(email);
        await using (var suppressed = connection.Command("SELECT COUNT(*) FROM suppressions WHERE email_sha256 = @h", transaction).With("@h", hash))
        {
            if (Convert.ToInt64(await suppressed.ExecuteScalarAsync(ct)) > 0)
            {
                if (string.IsNullOrWhiteSpace(consentNote))
                {
                    throw new AudienceException($"{email} was removed from the list and is suppressed; add it again only with the person's consent (give a consent note)");
                }
                await using var lift = connection.Command("DELETE FROM suppressions WHERE email_sha256 = @h", transaction).With("@h", hash);
                await lift.ExecuteNonQueryAsync(ct);
            }
        }

        var now = time.GetUtcNow();
        var row = draft with
        {
            Email = email,
            Segments = segments,
            ConsentAt = consentNote is null ? draft.ConsentAt : now,
        };
        await using var insert = new SubscriberWriter(connection, transaction, time);
        var id = await insert.InsertAsync(row, consentNote, ct)
            ?? throw new AudienceException($"{email} is already on the list");
        await transaction.CommitAsync(ct);
        return (await FindByIdAsync(id, ct))!;
    }

    public async Task<Subscriber?> UpdateAsync(long id, SubscriberDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var email = NormalizeOrThrow(draft.Email);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var segments = await ResolveSegmentsAsync(connection, transaction, draft.Segments, ct);
        await using (var clash = connection.Command("SELECT COUNT(*) FROM subscribers WHERE email = @e AND id <> @id", transaction)
            .With("@e", email).With("@id", id))
        {
            if (Convert.ToInt64(await clash.ExecuteScalarAsync(ct)) > 0)
            {
                throw new AudienceException($"{email} belongs to another subscriber");
            }
        }
        await using var writer = new SubscriberWriter(connection, transaction, time);
        if (!await writer.UpdateFieldsAsync(id, draft with { Email = email, Segments = segments }, ct))
        {
            return null;
        }
        await transaction.CommitAsync(ct);
        return await FindByIdAsync(id, ct);
    }

    public async Task<bool> ResubscribeAsync(string email, string consentNote, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(consentNote))
        {
            throw new AudienceException("resubscribing needs a consent note saying when and how the person agreed");
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "UPDATE subscribers SET status = 'active', status_reason = NULL, consent_at = @now, consent_note = @note, updated_at = @now WHERE email = @e");
        return await command.With("@now", time.GetUtcNow()).With("@note", consentNote.Trim())
            .With("@e", EmailAddress.NormalizeForLookup(email)).ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool> RemoveAsync(string email, CancellationToken ct = default)
    {
        var normalized = EmailAddress.NormalizeForLookup(email);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        int deleted;
        await using (var delete = connection.Command("DELETE FROM subscribers WHERE email = @e", transaction).With("@e", normalized))
        {
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var suppress = connection.Command(
            "INSERT INTO suppressions (email_sha256, reason, created_at) VALUES (@h, 'removed', @now) ON CONFLICT (email_sha256) DO NOTHING", transaction))
        {
            await suppress.With("@h", SuppressionHash(normalized)).With("@now", time.GetUtcNow()).ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    public async Task<bool> IsSuppressedAsync(string email, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT COUNT(*) FROM suppressions WHERE email_sha256 = @h")
            .With("@h", SuppressionHash(EmailAddress.NormalizeForLookup(email)));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct)) > 0;
    }

    /// <summary>Hex SHA-256 of the normalised address: what the suppression list keeps of a removed subscriber.</summary>
    internal static string SuppressionHash(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    private static async Task<IReadOnlyList<string>> ResolveSegmentsAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            throw new AudienceException("a subscriber needs at least one segment");
        }
        var known = await ListSegmentsAsync(connection, transaction, ct);
        return names.Select(n => Segments.Resolve(n, known)).Distinct().ToList();
    }

    private static string NormalizeOrThrow(string email) =>
        EmailAddress.TryNormalize(email, out var normalized, out var error) ? normalized : throw new AudienceException(error);
}
