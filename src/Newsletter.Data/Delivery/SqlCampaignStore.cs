using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Npgsql;
using NpgsqlTypes;

namespace Newsletter.Data.Delivery;

/// <summary>
/// <see cref="ICampaignStore"/> and <see cref="IOutbox"/> on SQLite (one process) and PostgreSQL (several processes:
/// claims use <c>FOR UPDATE SKIP LOCKED</c>, so two senders never lease the same row). The outbox's leases, outcomes
/// and heartbeats are in SqlCampaignStore.Outbox.cs.
/// </summary>
public sealed partial class SqlCampaignStore(NewsletterDatabase database, ISubscriberStore subscribers, TimeProvider time) : ICampaignStore, IOutbox
{
    private const string CampaignColumns =
        "id, issue_key, title, segments, state, state_reason, scheduled_at, created_at, updated_at, source_path, districts, industries";

    // Names and addresses come from subscribers; a removed subscriber (subscriber_id NULL since 0400, or no row) is sent
    // nothing. Ids are never reused and the link is a foreign key, so a row can only ever name the person it was made for.
    private const string EntryColumns =
        "o.id, o.campaign_id, o.subscriber_id, s.email, s.name, s.title, s.salutation, o.variant, o.message_id, o.attempts, o.first_attempt_at, s.status";

    private bool IsPostgres => database.Provider == DatabaseProvider.Postgres;

    /// <summary>
    /// SQLite has one writer per database: a claim's lease and an outcome commit of this process take turns here
    /// instead of meeting in SQLite's busy handler, which would put the commit to sleep for a millisecond or more with
    /// every worker waiting at its hand-over; the commit waits exactly as long as the claim's write takes.
    /// </summary>
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public async Task<Campaign?> FindAsync(string issueKey, IReadOnlyList<string> segments, AudienceTags tags, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"SELECT {CampaignColumns} FROM campaigns WHERE issue_key = @k AND segments_key = @s AND tags_key = @t AND state <> 'cancelled'")
            .With("@k", issueKey).With("@s", Campaign.SegmentsKey(segments)).With("@t", tags.Key);
        return await ReadCampaignsAsync(command, ct) is [var campaign, ..] ? campaign : null;
    }

    public async Task<Campaign?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {CampaignColumns} FROM campaigns WHERE id = @id").With("@id", id);
        return await ReadCampaignsAsync(command, ct) is [var campaign, ..] ? campaign : null;
    }

    public async Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {CampaignColumns} FROM campaigns ORDER BY id DESC");
        return await ReadCampaignsAsync(command, ct);
    }

    public async Task<Campaign> CreateAsync(NewCampaign campaign, IReadOnlyList<StoredVariant> variants, AudienceFilter filter,
        Func<string> newMessageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var tags = filter.Tags ?? AudienceTags.None;
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var bulk = await NewsletterDatabase.UseBulkCacheAsync(connection, ct);   // one outbox row per recipient
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long id;
        await using (var insert = connection.Command(
            """
            INSERT INTO campaigns (issue_key, segments_key, segments, title, state, scheduled_at, source_path, source_text, created_at, updated_at,
                districts, industries, tags_key)
            VALUES (@k, @sk, @s, @t, @state, @at, @path, @text, @now, @now, @d, @i, @tk) RETURNING id
            """, transaction))
        {
            insert.With("@d", string.Join('|', tags.Districts)).With("@i", string.Join('|', tags.Industries)).With("@tk", tags.Key);
            insert.With("@k", campaign.IssueKey).With("@sk", Campaign.SegmentsKey(campaign.Segments))
                .With("@s", string.Join('|', campaign.Segments)).With("@t", campaign.Title).With("@state", Word(campaign.State))
                .With("@at", campaign.ScheduledAt).With("@path", campaign.SourcePath).With("@text", campaign.SourceText).With("@now", now);
            try
            {
                id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                throw new CampaignExistsException(campaign.IssueKey, e);
            }
        }

        foreach (var variant in variants)
        {
            await using var insert = connection.Command(
                "INSERT INTO campaign_variants (campaign_id, key, subject, preheader, html, text) VALUES (@c, @k, @s, @p, @h, @t)", transaction);
            await insert.With("@c", id).With("@k", variant.Key).With("@s", variant.Subject).With("@p", variant.Preheader)
                .With("@h", variant.Html).With("@t", variant.Text).ExecuteNonQueryAsync(ct);
        }

        var rows = new List<(long Subscriber, string Variant, string MessageId)>(1000);
        await foreach (var subscriber in subscribers.StreamActiveMembersAsync(filter, 1000, ct))
        {
            // A subscriber in several targeted segments gets the variant of the first one, in the campaign's order.
            var variant = campaign.Segments.First(s => subscriber.Segments.Contains(s, StringComparer.Ordinal));
            rows.Add((subscriber.Id, variant, newMessageId()));
            if (rows.Count == 1000)
            {
                await InsertOutboxAsync(connection, transaction, id, rows, ct);
                rows.Clear();
            }
        }
        await InsertOutboxAsync(connection, transaction, id, rows, ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct) ?? throw new InvalidOperationException($"campaign {id} vanished after insert");
    }

    /// <summary>SQLite's SQLITE_CONSTRAINT_UNIQUE (2067) or PostgreSQL's unique_violation (23505).</summary>
    private static bool IsUniqueViolation(DbException e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 } || e.SqlState == "23505";

    private async Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, long campaignId,
        List<(long Subscriber, string Variant, string MessageId)> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (IsPostgres)
        {
            // One statement per thousand rows instead of a thousand round trips.
            await using var insert = connection.Command(
                """
                INSERT INTO outbox (campaign_id, subscriber_id, variant, message_id)
                SELECT @c, s, v, m FROM unnest(@s, @v, @m) AS t(s, v, m)
                """, transaction);
            insert.With("@c", campaignId);
            insert.Parameters.Add(new NpgsqlParameter("@s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Subscriber).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("@v", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Variant).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("@m", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.MessageId).ToArray() });
            await insert.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var command = connection.Command(
            "INSERT INTO outbox (campaign_id, subscriber_id, variant, message_id) VALUES (@c, @s, @v, @m)", transaction);
        command.With("@c", campaignId).With("@s", 0L).With("@v", "").With("@m", "");
        await command.PrepareAsync(ct);
        foreach (var (subscriber, variant, messageId) in rows)
        {
            await command.With("@s", subscriber).With("@v", variant).With("@m", messageId).ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<IReadOnlyList<StoredVariant>> GetVariantsAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT key, subject, preheader, html, text FROM campaign_variants WHERE campaign_id = @c ORDER BY key").With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var variants = new List<StoredVariant>();
        while (await reader.ReadAsync(ct))
        {
            variants.Add(new StoredVariant(reader.GetString(0), reader.GetString(1), reader.GetNullableString(2), reader.GetString(3), reader.GetString(4)));
        }
        return variants;
    }

    public async Task<string?> GetSourceTextAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT source_text FROM campaigns WHERE id = @c").With("@c", campaignId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task SetStateAsync(long campaignId, CampaignState state, string? reason, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE campaigns SET state = @s, state_reason = @r, updated_at = @now WHERE id = @c");
        await command.With("@s", Word(state)).With("@r", reason).With("@now", time.GetUtcNow()).With("@c", campaignId).ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> TrySetStateAsync(long campaignId, IReadOnlyCollection<CampaignState> from, CampaignState to, string? reason,
        CancellationToken ct = default)
    {
        if (from.Count == 0)
        {
            return false;
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        // One statement, so the state read and the state written are the same row version on both databases.
        var names = from.Select((_, i) => $"@f{i}").ToList();
        await using var command = connection.Command(
            $"UPDATE campaigns SET state = @s, state_reason = @r, updated_at = @now WHERE id = @c AND state IN ({string.Join(", ", names)})");
        command.With("@s", Word(to)).With("@r", reason).With("@now", time.GetUtcNow()).With("@c", campaignId);
        foreach (var (state, i) in from.Select((s, i) => (s, i)))
        {
            command.With(names[i], Word(state));
        }
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <remarks>
    /// Pending rows first, then deferred rows whose time has come: each condition walks ix_outbox_due (campaign_id,
    /// status, id) in id order, so a claim reads about <paramref name="count"/> rows however large the campaign. (One
    /// condition with OR made both databases read and sort every row of the campaign on every claim.)
    /// </remarks>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(long campaignId, string owner, int count, DateTimeOffset now,
        DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        const string free = "(lease_until IS NULL OR lease_until < @now)";
        string[] due =
        [
            $"campaign_id = @c AND status = 'pending' AND {free}",
            $"campaign_id = @c AND status = 'deferred' AND next_attempt_at <= @now AND {free}",
        ];
        await using var connection = await database.OpenConnectionAsync(ct);
        var entries = new List<OutboxEntry>();
        if (IsPostgres)
        {
            foreach (var condition in due)
            {
                if (entries.Count >= count)
                {
                    break;
                }
                await using var claim = connection.Command(
                    $"""
                    WITH claimed AS (
                        UPDATE outbox SET lease_owner = @owner, lease_until = @until
                        WHERE id IN (SELECT id FROM outbox WHERE {condition} ORDER BY id LIMIT @n FOR UPDATE SKIP LOCKED)
                        RETURNING *)
                    SELECT {EntryColumns} FROM claimed o LEFT JOIN subscribers s ON s.id = o.subscriber_id ORDER BY o.id
                    """);
                claim.With("@c", campaignId).With("@now", now).With("@owner", owner).With("@until", leaseUntil).With("@n", count - entries.Count);
                entries.AddRange(await ReadEntriesAsync(claim, ct));
            }
            return entries;
        }

        // SQLite has one writer at a time, and reading the rows is most of a claim: read them first, outside any write,
        // then lease with one statement that checks again that each row is still free and due. Another claimer may have
        // taken them all in between: then read again rather than report nothing due.
        for (var attempt = 1; ; attempt++)
        {
            foreach (var condition in due)
            {
                if (entries.Count >= count)
                {
                    break;
                }
                await using var select = connection.Command(
                    $"SELECT {EntryColumns} FROM outbox o LEFT JOIN subscribers s ON s.id = o.subscriber_id WHERE o.id IN (SELECT id FROM outbox WHERE {condition} ORDER BY id LIMIT @n) ORDER BY o.id");
                select.With("@c", campaignId).With("@now", now).With("@n", count - entries.Count);
                entries.AddRange(await ReadEntriesAsync(select, ct));
            }
            if (entries.Count == 0)
            {
                return entries;
            }
            var leased = new HashSet<long>();
            async Task LeaseAsync()
            {
                // The ids are our own integers, so writing them into the SQL is safe.
                await using var lease = connection.Command(
                    $"""
                    UPDATE outbox SET lease_owner = @owner, lease_until = @until
                    WHERE id IN ({string.Join(',', entries.Select(e => e.Id.ToString(CultureInfo.InvariantCulture)))})
                      AND (status = 'pending' OR (status = 'deferred' AND next_attempt_at <= @now)) AND {free}
                    RETURNING id
                    """);
                lease.With("@owner", owner).With("@until", leaseUntil).With("@now", now);
                await using var reader = await lease.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    leased.Add(reader.GetInt64(0));
                }
            }
            await _sqliteWriter.WaitAsync(ct);
            try
            {
                await LeaseAsync();
            }
            finally
            {
                _sqliteWriter.Release();
            }
            if (leased.Count > 0 || attempt == 3)
            {
                return leased.Count == entries.Count ? entries : entries.FindAll(e => leased.Contains(e.Id));
            }
            entries.Clear();
        }
    }

    public async Task<IReadOnlyList<CampaignSenderInfo>> ListSendersAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            SELECT l.owner, l.node, l.heartbeat_at, (SELECT COUNT(*) FROM outbox o WHERE o.lease_owner = l.owner)
            FROM lease_owners l WHERE l.campaign_id = @c ORDER BY l.started_at, l.owner
            """).With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var senders = new List<CampaignSenderInfo>();
        while (await reader.ReadAsync(ct))
        {
            senders.Add(new CampaignSenderInfo(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture)));
        }
        return senders;
    }

    public async Task<IReadOnlyList<VariantCounts>> CountAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT variant, status, COUNT(*) FROM outbox WHERE campaign_id = @c GROUP BY variant, status ORDER BY variant").With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var variant = reader.GetString(0);
            if (!counts.TryGetValue(variant, out var row))
            {
                counts[variant] = row = new int[5];
            }
            row[(int)ParseStatus(reader.GetString(1))] = Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture);
        }
        return [.. counts.Select(c => new VariantCounts(c.Key, c.Value[0], c.Value[1], c.Value[2], c.Value[3], c.Value[4]))];
    }

    public async Task<IReadOnlyList<RecipientFailure>> ListFailuresAsync(long campaignId, int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            SELECT COALESCE(s.email, '(removed)'), o.variant, o.status, o.attempts, o.last_reply
            FROM outbox o LEFT JOIN subscribers s ON s.id = o.subscriber_id
            WHERE o.campaign_id = @c AND o.status IN ('failed', 'deferred') ORDER BY o.id LIMIT @n
            """).With("@c", campaignId).With("@n", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var failures = new List<RecipientFailure>();
        while (await reader.ReadAsync(ct))
        {
            failures.Add(new RecipientFailure(reader.GetString(0), reader.GetString(1), ParseStatus(reader.GetString(2)),
                reader.GetInt32(3), reader.GetNullableString(4)));
        }
        return failures;
    }

    public async Task<int> RetryFailedAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            // Only rows that still name their subscriber: an erased recipient's record stays failed, it has nobody to go to.
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, first_attempt_at = NULL WHERE campaign_id = @c AND status = 'failed' AND subscriber_id IS NOT NULL")
            .With("@c", campaignId);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<OutboxEntry?> FindEntryAsync(long campaignId, long subscriberId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            $"SELECT {EntryColumns} FROM outbox o LEFT JOIN subscribers s ON s.id = o.subscriber_id WHERE o.campaign_id = @c AND o.subscriber_id = @s")
            .With("@c", campaignId).With("@s", subscriberId);
        return await ReadEntriesAsync(command, ct) is [var entry, ..] ? entry : null;
    }

    private static async Task<List<OutboxEntry>> ReadEntriesAsync(DbCommand command, CancellationToken ct)
    {
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var removed = reader.IsDBNull(2) || reader.IsDBNull(3);
            var name = removed ? "" : reader.GetString(4);
            var salutation = removed ? "" : reader.GetNullableString(6) is { Length: > 0 } s ? s : Salutation.Derive(name, reader.GetNullableString(5));
            entries.Add(new OutboxEntry(
                Id: reader.GetInt64(0),
                CampaignId: reader.GetInt64(1),
                SubscriberId: reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
                Email: removed ? "" : reader.GetString(3),
                Name: name,
                Salutation: salutation,
                Variant: reader.GetString(7),
                MessageId: reader.GetString(8),
                Attempts: reader.GetInt32(9),
                FirstAttemptAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                SubscriberActive: !removed && reader.GetString(11) == "active"));
        }
        return entries;
    }

    private static async Task<List<Campaign>> ReadCampaignsAsync(DbCommand command, CancellationToken ct)
    {
        var campaigns = new List<Campaign>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            campaigns.Add(new Campaign(
                Id: reader.GetInt64(0),
                IssueKey: reader.GetString(1),
                Title: reader.GetString(2),
                Segments: reader.GetString(3).Split('|', StringSplitOptions.RemoveEmptyEntries),
                State: Enum.Parse<CampaignState>(reader.GetString(4), ignoreCase: true),
                StateReason: reader.GetNullableString(5),
                ScheduledAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(7),
                UpdatedAt: reader.GetFieldValue<DateTimeOffset>(8),
                SourcePath: reader.GetString(9))
            {
                Tags = AudienceTags.Of(SplitJoined(reader.GetString(10)), SplitJoined(reader.GetString(11))),
            });
        }
        return campaigns;
    }

    private static string[] SplitJoined(string joined) => joined.Split('|', StringSplitOptions.RemoveEmptyEntries);

    private static string Word(CampaignState state) => state.ToString().ToLowerInvariant();

    private static string Word(OutboxStatus status) => status.ToString().ToLowerInvariant();

    private static OutboxStatus ParseStatus(string word) => Enum.Parse<OutboxStatus>(word, ignoreCase: true);

    private static string? Truncate(string? reply) => reply is { Length: > 1000 } ? reply[..1000] : reply;
}
