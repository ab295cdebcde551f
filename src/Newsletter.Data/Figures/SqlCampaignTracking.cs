using System.Globalization;
using Newsletter.Core.Figures;

namespace Newsletter.Data.Figures;

/// <summary><see cref="ICampaignTracking"/>: the <c>campaigns.tracking</c> column (0830).</summary>
public sealed class SqlCampaignTracking(NewsletterDatabase database) : ICampaignTracking
{
    public async Task<bool> IsTrackedAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT tracking FROM campaigns WHERE id = @id").With("@id", campaignId);
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull && Convert.ToBoolean(value, CultureInfo.InvariantCulture);
    }

    public async Task SetAsync(long campaignId, bool tracked, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE campaigns SET tracking = @on WHERE id = @id").With("@on", tracked).With("@id", campaignId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
