using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Figures;

namespace Newsletter.Data.Figures;

/// <summary>
/// The reader figures of one campaign per segment (variant) as named values — <c>webViews</c>, <c>unsubscribed</c>,
/// <c>opens</c>, <c>proxyOpens</c>, <c>clicks</c>, <c>clicks:N</c> (recipients who clicked link N), <c>clickTotal:N</c>
/// — computed from the event rows while they are kept, and stored in this form in <c>campaign_figures</c> when frozen.
/// </summary>
internal static class ReaderFigures
{
    public const string WebViews = "webViews", Unsubscribed = "unsubscribed", Opens = "opens", ProxyOpens = "proxyOpens", Clicks = "clicks";

    /// <summary>The 7 days after the first send in which an unsubscribe counts for the campaign.</summary>
    public static readonly TimeSpan UnsubscribeWindow = TimeSpan.FromDays(7);

    private const string Proxies = $"('{ClientFamily.GmailProxy}', '{ClientFamily.AppleProxy}', '{ClientFamily.YahooProxy}')";

    public static async Task<Dictionary<string, Dictionary<string, long>>> ComputeAsync(DbConnection connection, DbTransaction? transaction,
        long campaignId, DateTimeOffset? firstSentAt, CancellationToken ct)
    {
        var figures = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        void Add(string variant, string name, long value) =>
            (figures.TryGetValue(variant, out var named) ? named : figures[variant] = new(StringComparer.Ordinal))[name] = value;

        // One pass over the campaign's events: distinct recipients per kind and link, direct (not proxy) opens apart.
        await using (var command = connection.Command($"""
            SELECT o.variant, e.kind, COALESCE(e.link, 0), COUNT(DISTINCT e.outbox_id), COUNT(*),
                   COUNT(DISTINCT CASE WHEN e.client IS NULL OR e.client NOT IN {Proxies} THEN e.outbox_id END)
            FROM reader_events e JOIN outbox o ON o.id = e.outbox_id
            WHERE e.campaign_id = @id AND e.kind IN ('webview', 'open', 'click')
            GROUP BY o.variant, e.kind, COALESCE(e.link, 0)
            """, transaction).With("@id", campaignId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var (variant, kind, link) = (reader.GetString(0), reader.GetString(1), Long(reader, 2));
                var (recipients, total, direct) = (Long(reader, 3), Long(reader, 4), Long(reader, 5));
                switch (kind)
                {
                    case "webview":
                        Add(variant, WebViews, recipients);
                        break;
                    case "open":
                        Add(variant, Opens, direct);
                        Add(variant, ProxyOpens, recipients - direct);
                        break;
                    case "click":
                        Add(variant, $"{Clicks}:{link.ToString(CultureInfo.InvariantCulture)}", recipients);
                        Add(variant, $"clickTotal:{link.ToString(CultureInfo.InvariantCulture)}", total);
                        break;
                }
            }
        }
        await using (var command = connection.Command("""
            SELECT o.variant, COUNT(DISTINCT e.outbox_id) FROM reader_events e JOIN outbox o ON o.id = e.outbox_id
            WHERE e.campaign_id = @id AND e.kind = 'click' GROUP BY o.variant
            """, transaction).With("@id", campaignId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) Add(reader.GetString(0), Clicks, Long(reader, 1));
        }
        if (firstSentAt is { } start)
        {
            // Whichever issue's link they used: a recipient of this one who left within the window left after it.
            await using var command = connection.Command($"""
                SELECT o.variant, COUNT(DISTINCT o.id) FROM outbox o
                WHERE o.campaign_id = @id AND EXISTS (SELECT 1 FROM reader_events e WHERE e.subscriber_id = o.subscriber_id
                    AND e.kind = 'unsubscribe' AND e.source <> '{UnsubscribeSources.Admin}' AND e.at >= @from AND e.at < @until)
                GROUP BY o.variant
                """, transaction).With("@id", campaignId).With("@from", start).With("@until", start + UnsubscribeWindow);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) Add(reader.GetString(0), Unsubscribed, Long(reader, 1));
        }
        return figures;
    }

    public static long Long(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>The campaign's first send attempt (the outbox's earliest), or null before any.</summary>
    public static async Task<DateTimeOffset?> FirstSentAtAsync(DbConnection connection, DbTransaction? transaction, long campaignId, CancellationToken ct)
    {
        await using var command = connection.Command("SELECT MIN(first_attempt_at) FROM outbox WHERE campaign_id = @id", transaction).With("@id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }
}
