using Newsletter.Core.Figures;

namespace Newsletter.Data.Figures;

/// <summary>
/// <see cref="IReaderEventStore"/> on SQLite or PostgreSQL. Pruning freezes a campaign's figures before deleting its
/// events: distinct-recipient counts cannot be added up across deletions (a reader counted in an aggregate and again in
/// the rows left would count twice), so a campaign's reader figures are computed once from all its rows and then kept
/// as they are. Unsubscribe rows are deleted by age alone: a newer campaign's 7-day window may still need them.
/// </summary>
public sealed class SqlReaderEventStore(NewsletterDatabase database) : IReaderEventStore
{
    public async Task RecordAsync(ReaderEvent readerEvent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(readerEvent);
        await using var connection = await database.OpenConnectionAsync(ct);
        // The CASTs type the parameters for PostgreSQL when they are null.
        await using var command = connection.Command("""
            INSERT INTO reader_events (campaign_id, outbox_id, subscriber_id, kind, link, source, client, at)
            SELECT CAST(@campaign AS BIGINT), CAST(@outbox AS BIGINT), CAST(@subscriber AS BIGINT), CAST(@kind AS TEXT),
                   CAST(@link AS INTEGER), CAST(@source AS TEXT), CAST(@client AS TEXT), @at
            WHERE NOT EXISTS (SELECT 1 FROM campaigns WHERE id = @campaign AND figures_frozen_at IS NOT NULL)
            """);
        command.With("@campaign", readerEvent.CampaignId).With("@outbox", readerEvent.OutboxId).With("@subscriber", readerEvent.SubscriberId)
            .With("@kind", ReaderEvent.Word(readerEvent.Kind)).With("@link", readerEvent.Link).With("@source", readerEvent.Source)
            .With("@client", readerEvent.Client).With("@at", readerEvent.At.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset now, TimeSpan retention, CancellationToken ct = default)
    {
        var cutoff = (now - retention).ToUniversalTime();
        await using var connection = await database.OpenConnectionAsync(ct);
        var due = new List<long>();
        await using (var command = connection.Command("""
            SELECT c.id FROM campaigns c
            WHERE c.figures_frozen_at IS NULL AND (SELECT MIN(o.first_attempt_at) FROM outbox o WHERE o.campaign_id = c.id) < @cutoff
            ORDER BY c.id
            """).With("@cutoff", cutoff))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) due.Add(reader.GetInt64(0));
        }

        var deleted = 0;
        foreach (var campaignId in due)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var firstSentAt = await ReaderFigures.FirstSentAtAsync(connection, transaction, campaignId, ct);
            var figures = await ReaderFigures.ComputeAsync(connection, transaction, campaignId, firstSentAt, ct);
            foreach (var (variant, named) in figures)
            {
                foreach (var (name, value) in named)
                {
                    await using var insert = connection.Command(
                        "INSERT INTO campaign_figures (campaign_id, variant, name, value) VALUES (@c, @v, @n, @value)", transaction)
                        .With("@c", campaignId).With("@v", variant).With("@n", name).With("@value", value);
                    await insert.ExecuteNonQueryAsync(ct);
                }
            }
            await using (var freeze = connection.Command("UPDATE campaigns SET figures_frozen_at = @now WHERE id = @c", transaction)
                .With("@now", now.ToUniversalTime()).With("@c", campaignId))
            {
                await freeze.ExecuteNonQueryAsync(ct);
            }
            await using (var delete = connection.Command("DELETE FROM reader_events WHERE campaign_id = @c AND kind <> 'unsubscribe'", transaction)
                .With("@c", campaignId))
            {
                deleted += await delete.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }

        await using (var old = connection.Command("DELETE FROM reader_events WHERE at < @cutoff").With("@cutoff", cutoff))
        {
            deleted += await old.ExecuteNonQueryAsync(ct);
        }
        return new PruneResult(due.Count, deleted);
    }
}
