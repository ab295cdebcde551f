using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Figures;

namespace Newsletter.Data.Figures;

/// <summary>
/// <see cref="ICampaignFigures"/> on SQLite or PostgreSQL: delivery figures from the outbox, bounces from the bounces
/// table, reader figures from the events while they are kept and from <c>campaign_figures</c> once frozen.
/// </summary>
public sealed class SqlCampaignFigures(NewsletterDatabase database) : ICampaignFigures
{
    public async Task<CampaignFigures?> GetAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        string segments;
        bool tracking;
        DateTimeOffset? frozenAt;
        await using (var command = connection.Command("SELECT segments, tracking, figures_frozen_at FROM campaigns WHERE id = @id").With("@id", campaignId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            segments = reader.GetString(0);
            tracking = Convert.ToBoolean(reader.GetValue(1), CultureInfo.InvariantCulture);
            frozenAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
        }

        var delivery = new Dictionary<string, long[]>(StringComparer.Ordinal);
        await using (var command = connection.Command("""
            SELECT variant, COUNT(*), SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'deferred' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)
            FROM outbox WHERE campaign_id = @id GROUP BY variant
            """).With("@id", campaignId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                delivery[reader.GetString(0)] = [ReaderFigures.Long(reader, 1), ReaderFigures.Long(reader, 2), ReaderFigures.Long(reader, 3), ReaderFigures.Long(reader, 4)];
            }
        }

        // A report names the outbox row (VERP, Message-ID) or only the campaign and subscriber (the campaign header).
        var bounced = await PerVariantAsync(connection, """
            SELECT o.variant, COUNT(DISTINCT o.id) FROM bounces b
            JOIN outbox o ON o.id = b.outbox_id OR (b.outbox_id IS NULL AND o.campaign_id = b.campaign_id AND o.subscriber_id = b.subscriber_id)
            WHERE b.campaign_id = @id AND b.kind = 'bounce' AND o.campaign_id = @id
            GROUP BY o.variant
            """, campaignId, ct);

        var firstSentAt = await ReaderFigures.FirstSentAtAsync(connection, null, campaignId, ct);
        var readers = frozenAt is null
            ? await ReaderFigures.ComputeAsync(connection, null, campaignId, firstSentAt, ct)
            : await FrozenAsync(connection, campaignId, ct);
        var links = tracking ? await LinksAsync(connection, campaignId, ct) : new Dictionary<string, IReadOnlyList<TrackedLink>>();

        var variants = segments.Split('|', StringSplitOptions.RemoveEmptyEntries).ToList();
        variants.AddRange(delivery.Keys.Where(v => !variants.Contains(v)).Order(StringComparer.Ordinal));
        var list = new List<SegmentFigures>();
        foreach (var variant in variants)
        {
            var d = delivery.GetValueOrDefault(variant) ?? [0, 0, 0, 0];
            var r = readers.GetValueOrDefault(variant) ?? new Dictionary<string, long>();
            int Named(string name) => (int)r.GetValueOrDefault(name);
            var counts = new FigureCounts((int)d[0], (int)d[1], (int)d[2], (int)d[3], (int)bounced.GetValueOrDefault(variant),
                Named(ReaderFigures.Unsubscribed), Named(ReaderFigures.WebViews));
            if (tracking)
            {
                var perLink = (links.GetValueOrDefault(variant) ?? []).Select(l => new LinkClicks(l.Number, l.Url, l.Text,
                    Named($"{ReaderFigures.Clicks}:{l.Number.ToString(CultureInfo.InvariantCulture)}"),
                    Named($"clickTotal:{l.Number.ToString(CultureInfo.InvariantCulture)}"))).ToList();
                counts = counts with { Tracked = new TrackedCounts(Named(ReaderFigures.Opens), Named(ReaderFigures.ProxyOpens), Named(ReaderFigures.Clicks), perLink) };
            }
            list.Add(new SegmentFigures(variant, counts));
        }
        return new CampaignFigures(campaignId, tracking, firstSentAt, frozenAt, list);
    }

    private static async Task<Dictionary<string, long>> PerVariantAsync(DbConnection connection, string sql, long campaignId, CancellationToken ct)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = connection.Command(sql).With("@id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = ReaderFigures.Long(reader, 1);
        return result;
    }

    private static async Task<Dictionary<string, Dictionary<string, long>>> FrozenAsync(DbConnection connection, long campaignId, CancellationToken ct)
    {
        var result = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        await using var command = connection.Command("SELECT variant, name, value FROM campaign_figures WHERE campaign_id = @id").With("@id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var variant = reader.GetString(0);
            (result.TryGetValue(variant, out var named) ? named : result[variant] = new(StringComparer.Ordinal))[reader.GetString(1)] = ReaderFigures.Long(reader, 2);
        }
        return result;
    }

    /// <summary>The trackable links of each stored variant, numbered as the click redirects number them.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<TrackedLink>>> LinksAsync(DbConnection connection, long campaignId, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<TrackedLink>>(StringComparer.Ordinal);
        await using var command = connection.Command("SELECT key, html FROM campaign_variants WHERE campaign_id = @id").With("@id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = TrackedLinks.Find(reader.GetString(1));
        return result;
    }
}
