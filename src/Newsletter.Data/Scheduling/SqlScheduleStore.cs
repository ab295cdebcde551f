using Newsletter.Core.Audience;
using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Data.Scheduling;

/// <summary>
/// <see cref="IScheduleStore"/> on SQLite and PostgreSQL. Times are written as UTC <see cref="DateTimeOffset"/>s, so
/// SQLite's text values compare and match exactly; every transition is a single conditional statement.
/// </summary>
public sealed class SqlScheduleStore(NewsletterDatabase database, ICampaignStore campaigns, TimeProvider time) : IScheduleStore
{
    private const string FiringColumns = "id, kind, target_id, fire_time, fired_at, node, outcome, campaign_id, detail";

    public async Task<IReadOnlyList<Campaign>> ListScheduledAsync(CancellationToken ct = default)
    {
        var ids = new List<long>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var command = connection.Command("SELECT id FROM campaigns WHERE state = 'scheduled' ORDER BY scheduled_at, id"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        var list = new List<Campaign>(ids.Count);
        foreach (var id in ids)
        {
            if (await campaigns.GetAsync(id, ct) is { State: CampaignState.Scheduled, ScheduledAt: not null } campaign)
            {
                list.Add(campaign);
            }
        }
        return list;
    }

    public async Task<IReadOnlyList<long>> ListResumableAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            SELECT c.id FROM campaigns c
            WHERE c.state = 'running' AND EXISTS (
                SELECT 1 FROM outbox o WHERE o.campaign_id = c.id
                  AND (o.status = 'pending' OR (o.status = 'deferred' AND o.next_attempt_at <= @now))
                  AND (o.lease_until IS NULL OR o.lease_until < @now))
            ORDER BY c.id
            """).With("@now", Utc(now));
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    public async Task<bool> TryLeaveScheduledAsync(long campaignId, DateTimeOffset scheduledAt, CampaignState to, string? reason,
        CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "UPDATE campaigns SET state = @to, state_reason = @r, updated_at = @now WHERE id = @id AND state = 'scheduled' AND scheduled_at = @at")
            .With("@to", to.ToString().ToLowerInvariant()).With("@r", reason).With("@now", Utc(time.GetUtcNow()))
            .With("@id", campaignId).With("@at", Utc(scheduledAt));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> TryMoveAsync(long campaignId, DateTimeOffset scheduledAt, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "UPDATE campaigns SET scheduled_at = @at, updated_at = @now WHERE id = @id AND state = 'scheduled'")
            .With("@at", Utc(scheduledAt)).With("@now", Utc(time.GetUtcNow())).With("@id", campaignId);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ReadyIssue> MarkReadyAsync(string issueKey, string title, string sourcePath, string sourceText, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            INSERT INTO ready_issues (issue_key, title, source_path, source_text, ready_at) VALUES (@k, @t, @p, @s, @now)
            ON CONFLICT (issue_key) DO UPDATE SET title = excluded.title, source_path = excluded.source_path,
                source_text = excluded.source_text, ready_at = excluded.ready_at
            RETURNING id, issue_key, title, source_path, source_text, ready_at
            """).With("@k", issueKey).With("@t", title).With("@p", sourcePath).With("@s", sourceText).With("@now", Utc(time.GetUtcNow()));
        return (await ReadReadyAsync(command, ct))[0];
    }

    public async Task<IReadOnlyList<ReadyIssue>> ListReadyAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT id, issue_key, title, source_path, source_text, ready_at FROM ready_issues ORDER BY ready_at DESC, id DESC");
        return await ReadReadyAsync(command, ct);
    }

    public async Task<SchedulePlan> AddPlanAsync(string cron, IReadOnlyList<string> segments, AudienceTags tags, string timeZone, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"INSERT INTO schedule_plans (cron, segments, time_zone, created_at, districts, industries) VALUES (@c, @s, @z, @now, @d, @i) RETURNING {PlanColumns}")
            .With("@c", cron).With("@s", string.Join('|', segments)).With("@z", timeZone).With("@now", Utc(time.GetUtcNow()))
            .With("@d", string.Join('|', tags.Districts)).With("@i", string.Join('|', tags.Industries));
        return (await ReadPlansAsync(command, ct))[0];
    }

    public async Task<IReadOnlyList<SchedulePlan>> ListPlansAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {PlanColumns} FROM schedule_plans ORDER BY id");
        return await ReadPlansAsync(command, ct);
    }

    public async Task<SchedulePlan?> GetPlanAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {PlanColumns} FROM schedule_plans WHERE id = @id").With("@id", id);
        return await ReadPlansAsync(command, ct) is [var plan, ..] ? plan : null;
    }

    public async Task<bool> RemovePlanAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("DELETE FROM schedule_plans WHERE id = @id").With("@id", id);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<Firing?> TryRecordFiringAsync(string kind, long targetId, DateTimeOffset fireTime, string node, FiringOutcome outcome,
        long? campaignId, string? detail, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"""
            INSERT INTO schedule_firings (kind, target_id, fire_time, fired_at, node, outcome, campaign_id, detail)
            VALUES (@k, @t, @f, @now, @n, @o, @c, @d)
            ON CONFLICT (kind, target_id, fire_time) DO NOTHING
            RETURNING {FiringColumns}
            """).With("@k", kind).With("@t", targetId).With("@f", Utc(fireTime)).With("@now", Utc(time.GetUtcNow())).With("@n", node)
            .With("@o", Word(outcome)).With("@c", campaignId).With("@d", detail);
        return await ReadFiringsAsync(command, ct) is [var firing, ..] ? firing : null;
    }

    public async Task<Firing?> FindFiringAsync(string kind, long targetId, DateTimeOffset fireTime, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"SELECT {FiringColumns} FROM schedule_firings WHERE kind = @k AND target_id = @t AND fire_time = @f")
            .With("@k", kind).With("@t", targetId).With("@f", Utc(fireTime));
        return await ReadFiringsAsync(command, ct) is [var firing, ..] ? firing : null;
    }

    public async Task UpdateFiringAsync(long firingId, FiringOutcome outcome, long? campaignId, string? detail, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE schedule_firings SET outcome = @o, campaign_id = @c, detail = @d WHERE id = @id")
            .With("@o", Word(outcome)).With("@c", campaignId).With("@d", detail).With("@id", firingId);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<Firing>> ListFiringsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {FiringColumns} FROM schedule_firings ORDER BY id DESC LIMIT @n").With("@n", limit);
        return await ReadFiringsAsync(command, ct);
    }

    public async Task<bool> TryClaimReportAsync(long campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "INSERT INTO campaign_reports (campaign_id, sent_at) VALUES (@c, @now) ON CONFLICT (campaign_id) DO NOTHING")
            .With("@c", campaignId).With("@now", Utc(now));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    private static string Word(FiringOutcome outcome) => outcome switch
    {
        FiringOutcome.Started => "started",
        FiringOutcome.Missed => "missed",
        FiringOutcome.NothingToSend => "nothing-to-send",
        _ => "failed",
    };

    private static FiringOutcome ParseOutcome(string word) => word switch
    {
        "started" => FiringOutcome.Started,
        "missed" => FiringOutcome.Missed,
        "nothing-to-send" => FiringOutcome.NothingToSend,
        _ => FiringOutcome.Failed,
    };

    private static async Task<List<ReadyIssue>> ReadReadyAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<ReadyIssue>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ReadyIssue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return list;
    }

    private const string PlanColumns = "id, cron, segments, time_zone, created_at, districts, industries";

    private static async Task<List<SchedulePlan>> ReadPlansAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<SchedulePlan>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new SchedulePlan(reader.GetInt64(0), reader.GetString(1), reader.GetString(2).Split('|', StringSplitOptions.RemoveEmptyEntries),
                reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4))
            {
                Tags = AudienceTags.Of(reader.GetString(5).Split('|', StringSplitOptions.RemoveEmptyEntries),
                    reader.GetString(6).Split('|', StringSplitOptions.RemoveEmptyEntries)),
            });
        }
        return list;
    }

    private static async Task<List<Firing>> ReadFiringsAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<Firing>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Firing(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), ParseOutcome(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetNullableString(8)));
        }
        return list;
    }
}
