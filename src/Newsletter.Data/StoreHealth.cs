using Newsletter.Core.Diagnostics;

namespace Newsletter.Data;

/// <summary><see cref="IStoreHealth"/>: one <c>SELECT 1</c> on a fresh connection.</summary>
public sealed class StoreHealth(NewsletterDatabase database) : IStoreHealth
{
    public async Task<bool> IsAvailableAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var command = connection.Command("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or DatabaseConfigurationException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
