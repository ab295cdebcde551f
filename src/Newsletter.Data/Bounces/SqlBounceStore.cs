using System.Data.Common;
using Newsletter.Core.Bounces;

namespace Newsletter.Data.Bounces;

/// <summary><see cref="IBounceStore"/> on SQLite or PostgreSQL (the same SQL on both).</summary>
public sealed class SqlBounceStore(NewsletterDatabase database) : IBounceStore
{
    private const string MatchSelect =
        "SELECT o.id, o.campaign_id, o.subscriber_id, COALESCE(s.email, '') FROM outbox o LEFT JOIN subscribers s ON s.id = o.subscriber_id";

    public Task<OutboxMatch?> FindByMessageIdAsync(string messageId, CancellationToken ct = default) =>
        FindMatchAsync($"{MatchSelect} WHERE o.message_id = @key", messageId.Trim().Trim('<', '>'), ct);

    public Task<OutboxMatch?> FindByOutboxIdAsync(long outboxId, CancellationToken ct = default) =>
        FindMatchAsync($"{MatchSelect} WHERE o.id = @key", outboxId, ct);

    public async Task<OutboxMatch?> FindByCampaignAndEmailAsync(long campaignId, string email, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"{MatchSelect} WHERE o.campaign_id = @campaign AND s.email = @email")
            .With("@campaign", campaignId).With("@email", email.Trim().ToLowerInvariant());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadMatch(reader) : null;
    }

    public async Task<bool> AddAsync(BounceRecord record, byte[]? rawReport, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenConnectionAsync(ct);
        // ON CONFLICT DO NOTHING: the same report processed again (a pass that crashed before moving it) stores nothing.
        await using var command = connection.Command("""
            INSERT INTO bounces (report_key, received_at, kind, class, address, status, smtp_code, reason, diagnostic,
                                 matched_by, campaign_id, subscriber_id, outbox_id, raw_report)
            VALUES (@key, @at, @kind, @class, @address, @status, @smtp, @reason, @diagnostic, @by, @campaign, @subscriber, @outbox, @raw)
            ON CONFLICT (report_key) DO NOTHING
            """);
        command.With("@key", record.ReportKey).With("@at", record.ReceivedAt).With("@kind", record.Kind).With("@class", record.Class.ToWord())
            .With("@address", record.Address).With("@status", record.Status).With("@smtp", record.SmtpCode).With("@reason", record.Reason)
            .With("@diagnostic", record.Diagnostic).With("@by", record.MatchedBy).With("@campaign", record.CampaignId)
            .With("@subscriber", record.SubscriberId).With("@outbox", record.OutboxId).With("@raw", rawReport);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<int> CountSoftAsync(long subscriberId, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT COUNT(*) FROM bounces WHERE subscriber_id = @id AND kind = 'bounce' AND class = 'soft' AND received_at >= @since")
            .With("@id", subscriberId).With("@since", since);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<BounceRecord>> ListAsync(BounceQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("");
        if (query.CampaignId is { } c) { where.Add("campaign_id = @campaign"); command.With("@campaign", c); }
        if (query.SubscriberId is { } s) { where.Add("subscriber_id = @subscriber"); command.With("@subscriber", s); }
        if (query.Class is { } k) { where.Add("class = @class AND kind = 'bounce'"); command.With("@class", k.ToWord()); }
        command.CommandText = "SELECT id, report_key, received_at, kind, class, address, status, smtp_code, reason, diagnostic, matched_by, " +
                              "campaign_id, subscriber_id, outbox_id FROM bounces" +
                              (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY received_at DESC, id DESC LIMIT @limit";
        command.With("@limit", Math.Clamp(query.Limit, 1, 100_000));
        var list = new List<BounceRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new BounceRecord
            {
                Id = reader.GetInt64(0),
                ReportKey = reader.GetString(1),
                ReceivedAt = reader.GetFieldValue<DateTimeOffset>(2),
                Kind = reader.GetString(3),
                Class = reader.GetString(4) == "hard" ? BounceClass.Hard : BounceClass.Soft,
                Address = reader.GetString(5),
                Status = reader.GetString(6),
                SmtpCode = reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                Reason = reader.GetString(8),
                Diagnostic = reader.GetString(9),
                MatchedBy = reader.GetString(10),
                CampaignId = reader.IsDBNull(11) ? null : reader.GetInt64(11),
                SubscriberId = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                OutboxId = reader.IsDBNull(13) ? null : reader.GetInt64(13),
            });
        }
        return list;
    }

    public async Task<BounceCounts> CountForCampaignAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("""
            SELECT COALESCE(SUM(CASE WHEN kind = 'bounce' AND class = 'hard' THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN kind = 'bounce' AND class = 'soft' THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN kind = 'complaint' THEN 1 ELSE 0 END), 0)
            FROM bounces WHERE campaign_id = @id
            """).With("@id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BounceCounts(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<int> PurgeRawAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE bounces SET raw_report = NULL WHERE received_at < @before AND raw_report IS NOT NULL")
            .With("@before", before);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<OutboxMatch?> FindMatchAsync(string sql, object key, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(sql).With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadMatch(reader) : null;
    }

    private static OutboxMatch ReadMatch(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
}
