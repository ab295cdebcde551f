using System.Data.Common;
using System.Globalization;
using System.Text;
using Newsletter.Core.Archive;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Data.Archive;

/// <summary>
/// <see cref="IArchiveStore"/> on SQLite and PostgreSQL: reads campaigns, campaign_variants and outbox; writes nothing.
/// </summary>
/// <remarks>
/// The search is a plain (I)LIKE '%…%' over title, 期号, the stored issue source and the variants' subject and text
/// part, on both engines: it reads every archived campaign's text, which is fine for an archive of one issue a week
/// (a few hundred issues of tens of kilobytes) and needs no full-text index to keep in step. SQLite's LIKE folds
/// Latin letters only, PostgreSQL's ILIKE any; Chinese has no case, so both find the same issues.
/// </remarks>
public sealed class SqlArchiveStore(NewsletterDatabase database) : IArchiveStore
{
    /// <summary>Most issues one listing returns.</summary>
    public const int MaxLimit = 1000;

    private readonly SqlDialect _sql = SqlDialect.For(database.Provider);

    // When the campaign first delivered: the earliest attempt of its sent rows. ix_outbox_due (campaign_id, status, id)
    // narrows both subqueries to the campaign's sent rows, so a listing reads only the listed campaigns' rows.
    private const string Delivered = "FROM outbox o WHERE o.campaign_id = c.id AND o.status = 'sent'";

    public async Task<IReadOnlyList<ArchivedIssue>> ListAsync(string? search, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder(
            $"""
            SELECT c.id, c.issue_key, c.title, c.segments, c.state, c.districts, c.industries,
                COALESCE((SELECT MIN(o.last_attempt_at) {Delivered}), c.created_at) AS sent_at
            FROM campaigns c
            WHERE EXISTS (SELECT 1 {Delivered})
            """);
        if (search?.Trim() is { Length: > 0 } text)
        {
            sql.Append(" AND (").Append(_sql.ILike("c.title", "@q")).Append(" OR ").Append(_sql.ILike("c.issue_key", "@q"))
                .Append(" OR ").Append(_sql.ILike("c.source_text", "@q"))
                .Append(" OR EXISTS (SELECT 1 FROM campaign_variants v WHERE v.campaign_id = c.id AND (")
                .Append(_sql.ILike("v.subject", "@q")).Append(" OR ").Append(_sql.ILike("v.text", "@q")).Append(")))");
            command.With("@q", "%" + SqlDialect.EscapeLike(text) + "%");
        }
        sql.Append(" ORDER BY sent_at DESC, c.id DESC LIMIT @n");
        command.CommandText = sql.ToString();
        command.With("@n", limit);

        var found = new List<(long Id, string Key, string Title, string[] Segments, CampaignState State, AudienceTags Tags, DateTimeOffset SentAt)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                found.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), SplitJoined(reader.GetString(3)),
                    Enum.Parse<CampaignState>(reader.GetString(4), ignoreCase: true),
                    AudienceTags.Of(SplitJoined(reader.GetString(5)), SplitJoined(reader.GetString(6))),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }
        if (found.Count == 0) return [];

        var counts = await CountAsync(connection, [.. found.Select(f => f.Id)], ct);
        return [.. found.Select(f => new ArchivedIssue(f.Id, f.Key, f.Title, f.State, f.SentAt,
            [.. f.Segments.Select(s => counts.TryGetValue((f.Id, s), out var c) ? c : new ArchivedSegment(s, 0, 0, 0))])
            { Tags = f.Tags })];
    }

    /// <summary>Outbox counts per (campaign, variant) of the given campaigns, in one grouped read.</summary>
    private static async Task<Dictionary<(long, string), ArchivedSegment>> CountAsync(DbConnection connection, IReadOnlyList<long> campaignIds,
        CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        var names = new string[campaignIds.Count];
        for (var i = 0; i < campaignIds.Count; i++)
        {
            names[i] = "@c" + i.ToString(CultureInfo.InvariantCulture);
            command.Add(names[i], campaignIds[i]);
        }
        command.CommandText =
            $"""
            SELECT campaign_id, variant, COUNT(*),
                SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)
            FROM outbox WHERE campaign_id IN ({string.Join(", ", names)}) GROUP BY campaign_id, variant
            """;
        var counts = new Dictionary<(long, string), ArchivedSegment>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var variant = reader.GetString(1);
            counts[(reader.GetInt64(0), variant)] = new ArchivedSegment(variant, (int)reader.GetInt64(2), (int)reader.GetInt64(3), (int)reader.GetInt64(4));
        }
        return counts;
    }

    public async Task<StoredVariant?> GetVariantAsync(long campaignId, string variant, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            SELECT v.key, v.subject, v.preheader, v.html, v.text FROM campaign_variants v
            WHERE v.campaign_id = @c AND v.key = @k AND EXISTS (SELECT 1 FROM outbox o WHERE o.campaign_id = @c AND o.status = 'sent')
            """).With("@c", campaignId).With("@k", variant);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredVariant(reader.GetString(0), reader.GetString(1), reader.GetNullableString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    public async Task<IReadOnlyList<ReceivedIssue>> ListReceivedAsync(long subscriberId, CancellationToken ct = default)
    {
        // ix_outbox_subscriber (subscriber_id): one subscriber's rows, a few per issue ever sent.
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            SELECT c.id, c.issue_key, c.title, COALESCE(o.last_attempt_at, c.created_at) AS delivered_at
            FROM outbox o JOIN campaigns c ON c.id = o.campaign_id
            WHERE o.subscriber_id = @s AND o.status = 'sent'
            ORDER BY delivered_at DESC, c.id DESC
            """).With("@s", subscriberId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var issues = new List<ReceivedIssue>();
        while (await reader.ReadAsync(ct))
        {
            issues.Add(new ReceivedIssue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return issues;
    }

    private static string[] SplitJoined(string joined) => joined.Split('|', StringSplitOptions.RemoveEmptyEntries);
}
