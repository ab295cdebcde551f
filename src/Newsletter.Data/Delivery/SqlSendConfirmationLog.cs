using Newsletter.Core.Delivery;

namespace Newsletter.Data.Delivery;

/// <summary><see cref="ISendConfirmationLog"/> in the <c>send_confirmations</c> table (SQLite and PostgreSQL).</summary>
public sealed class SqlSendConfirmationLog(NewsletterDatabase database) : ISendConfirmationLog
{
    public async Task RecordAsync(SendConfirmation confirmation, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var insert = connection.Command(
            "INSERT INTO send_confirmations (campaign_id, confirmed_at, confirmed_by, recipients, forced, doctor_errors) " +
            "VALUES (@c, @at, @by, @n, @f, @e)");
        await insert.With("@c", confirmation.CampaignId).With("@at", confirmation.ConfirmedAt).With("@by", confirmation.ConfirmedBy)
            .With("@n", confirmation.Recipients).With("@f", confirmation.Forced).With("@e", confirmation.DoctorErrors).ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<SendConfirmation>> ListAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT campaign_id, confirmed_at, confirmed_by, recipients, forced, doctor_errors FROM send_confirmations WHERE campaign_id = @c ORDER BY id")
            .With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<SendConfirmation>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new SendConfirmation(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.GetInt32(3), reader.GetBoolean(4), reader.GetString(5)));
        }
        return list;
    }
}
