using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// <see cref="ISubscriberStore"/> on SQLite or PostgreSQL (same SQL, differences in <see cref="SqlDialect"/>).
/// Subscriber rows carry their segment keys and industries '|'-joined, so reading a recipient is one row;
/// <c>subscriber_segments</c> mirrors the segment keys (with the status) for filtering and counting.
/// The admin's writes (add, edit, remove, resubscribe) and the suppression list are in SqlSubscriberStore.Edit.cs.
/// </summary>
public sealed partial class SqlSubscriberStore(NewsletterDatabase database, TimeProvider time) : ISubscriberStore
{
    /// <summary>The largest batch <see cref="StreamActiveAsync"/> accepts.</summary>
    public const int MaxBatchSize = 50_000;

    internal const string Columns =
        "s.id, s.email, s.name, s.organisation, s.title, s.segments, s.district, s.industries, s.status, s.salutation, s.source, s.consent_at, s.created_at, s.updated_at";

    private readonly SqlDialect _sql = SqlDialect.For(database.Provider);

    public async Task<long> CountAllAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT COUNT(*) FROM subscribers");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    public IAsyncEnumerable<Subscriber> StreamActiveAsync(AudienceFilter filter, int batchSize, CancellationToken ct = default) =>
        StreamActivePagesAsync(filter, batchSize, Columns, r => ReadSubscriber(r, offset: 1), ct);

    public IAsyncEnumerable<AudienceMember> StreamActiveMembersAsync(AudienceFilter filter, int batchSize, CancellationToken ct = default)
    {
        // Most rows carry one of a handful of segment lists: each distinct list is split once.
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        return StreamActivePagesAsync(filter, batchSize, "s.id, s.segments", r =>
        {
            var joined = r.GetString(2);
            if (!lists.TryGetValue(joined, out var segments))
            {
                segments = SplitJoined(joined);
                if (lists.Count < 1024) lists[joined] = segments;
            }
            return new AudienceMember(r.GetInt64(1), segments);
        }, ct);
    }

    /// <summary>
    /// The active subscribers of <paramref name="filter"/> in id order, page by page, each row read from
    /// <paramref name="columns"/> (column 0 is the page's id, the columns start at 1) by <paramref name="read"/>.
    /// </summary>
    private async IAsyncEnumerable<T> StreamActivePagesAsync<T>(AudienceFilter filter, int batchSize, string columns, Func<DbDataReader, T> read,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxBatchSize);
        if (filter.Segments.Count == 0)
        {
            throw new ArgumentException("an audience needs at least one segment", nameof(filter));
        }

        // A page is the next @limit ids, in id order, with an active membership of a targeted segment: each segment's
        // ids come from its membership index in order (a range scan that reads only members), merged by UNION (which
        // also makes a subscriber of two targeted segments come once). Scanning subscribers by id instead read the whole
        // list, probing memberships for every row — two thirds of the rows for a typical pair of segments, wasted.
        // District and industry filters then apply to the page's rows; a page they empty still advances.
        var parameters = new List<(string, object?)>();
        var members = AddList(parameters, "g", filter.Segments).Split(", ").Select(segment =>
            "SELECT subscriber_id AS id FROM (SELECT subscriber_id FROM subscriber_segments " +
            $"WHERE segment_key = {segment} AND status = 'active' AND subscriber_id > @after ORDER BY subscriber_id LIMIT @limit) m");
        var where = new StringBuilder("s.status = 'active'");
        foreach (var (tag, k) in (filter.Tags ?? AudienceTags.None).Filters.Select((f, k) => (f, k)).Where(t => t.f.Values.Count > 0))
        {
            // One value per subscriber: IN; a '|'-joined list: any value in it. The column is TagKind's constant.
            var column = "s." + tag.Kind.Column;
            if (!tag.Kind.IsList)
            {
                where.Append($" AND {column} IN (").Append(AddList(parameters, $"t{k}_", tag.Values.Select(d => d.Trim()))).Append(')');
                continue;
            }
            var names = AddList(parameters, $"t{k}_", tag.Values.Select(i => "|" + i.Trim() + "|")).Split(", ");
            where.Append(" AND (").Append(string.Join(" OR ", names.Select(n => _sql.Contains($"'|' || {column} || '|'", n)))).Append(')');
        }
        var sql = $"""
            WITH page AS (SELECT id FROM ({string.Join(" UNION ", members)}) u ORDER BY id LIMIT @limit)
            SELECT page.id AS page_id, {columns} FROM page LEFT JOIN subscribers s ON s.id = page.id AND {where} ORDER BY page.id
            """;

        long after = 0;
        var batch = new List<T>(batchSize);
        while (true)
        {
            batch.Clear();
            var pageSize = 0;
            // One short-lived connection per batch: a long send holds no connection (or SQLite read snapshot) between batches.
            await using (var connection = await database.OpenConnectionAsync(ct))
            await using (var command = connection.Command(sql))
            {
                foreach (var (name, value) in parameters) command.With(name, value);
                command.With("@after", after).With("@limit", batchSize);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    pageSize++;
                    after = reader.GetInt64(0);
                    if (!reader.IsDBNull(1))
                    {
                        batch.Add(read(reader));
                    }
                }
            }

            foreach (var subscriber in batch)
            {
                yield return subscriber;
            }
            if (pageSize < batchSize)
            {
                yield break;
            }
        }
    }

    public Task<Subscriber?> FindByIdAsync(long id, CancellationToken ct = default) =>
        FindOneAsync("s.id = @key", id, ct);

    public Task<Subscriber?> FindByEmailAsync(string email, CancellationToken ct = default) =>
        FindOneAsync("s.email = @key", EmailAddress.NormalizeForLookup(email), ct);

    public async Task<bool> UnsubscribeAsync(long id, string source, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var now = time.GetUtcNow();
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using var command = connection.Command(
                "UPDATE subscribers SET status = 'unsubscribed', status_reason = @reason, updated_at = @now WHERE id = @id AND status = 'active'", transaction);
            if (await command.With("@reason", "unsubscribed: " + source).With("@now", now).With("@id", id).ExecuteNonQueryAsync(ct) > 0)
            {
                await RecordUnsubscribeAsync(connection, transaction, id, source, now, ct);
                await transaction.CommitAsync(ct);
                return true;
            }
        }
        await using var exists = connection.Command("SELECT COUNT(*) FROM subscribers WHERE id = @id").With("@id", id);
        return Convert.ToInt64(await exists.ExecuteScalarAsync(ct)) > 0;
    }

    /// <summary>
    /// Issue 21: the unsubscribe as a reader event (channel, the campaign whose link was used, when), in the status
    /// change's transaction, so "unsubscribed within 7 days of an issue" counts exactly the changes that happened.
    /// </summary>
    private static async Task RecordUnsubscribeAsync(DbConnection connection, DbTransaction transaction, long id, string source,
        DateTimeOffset now, CancellationToken ct)
    {
        var (channel, campaignId) = Newsletter.Core.Figures.UnsubscribeSources.Parse(source);
        await using var command = connection.Command("""
            INSERT INTO reader_events (campaign_id, outbox_id, subscriber_id, kind, source, at)
            VALUES (CAST(@campaign AS BIGINT), (SELECT o.id FROM outbox o WHERE o.campaign_id = @campaign AND o.subscriber_id = @id), @id, 'unsubscribe', @source, @at)
            """, transaction);
        // A token may name a campaign deleted since: the event then names none (campaign_id is a foreign key).
        await using var exists = connection.Command("SELECT COUNT(*) FROM campaigns WHERE id = @campaign", transaction).With("@campaign", campaignId ?? 0);
        var known = campaignId is not null && Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
        await command.With("@campaign", known ? campaignId : null).With("@id", id).With("@source", channel).With("@at", now.ToUniversalTime())
            .ExecuteNonQueryAsync(ct);
    }

    public Task MarkBouncedAsync(long id, string reason, CancellationToken ct = default) =>
        SetInactiveAsync(id, SubscriberStatus.Bounced, reason, ct);

    public Task MarkComplainedAsync(long id, string reason, CancellationToken ct = default) =>
        SetInactiveAsync(id, SubscriberStatus.Complained, reason, ct);

    public async Task<IReadOnlyList<Segment>> ListSegmentsAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await ListSegmentsAsync(connection, null, ct);
    }

    public async Task<IReadOnlyList<string>> ListDistrictsAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT DISTINCT district FROM subscribers WHERE district IS NOT NULL AND district <> ''");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var districts = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            districts.Add(reader.GetString(0));
        }
        // Sorted here, not by the database: SQLite and PostgreSQL collate Chinese differently.
        return [.. districts.Order(StringComparer.Ordinal)];
    }

    public async Task AddSegmentAsync(Segment segment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (!Segments.IsValidKey(segment.Key))
        {
            throw new AudienceException($"'{segment.Key}' is not a valid segment key: use lower-case letters, digits and '-', starting with a letter");
        }
        if (string.IsNullOrWhiteSpace(segment.NameZh) || string.IsNullOrWhiteSpace(segment.NameEn))
        {
            throw new AudienceException("a segment needs a Chinese and an English name");
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        var existing = await ListSegmentsAsync(connection, null, ct);
        if (Segments.TryResolve(segment.Key, existing, out var k) || Segments.TryResolve(segment.NameZh, existing, out k) ||
            Segments.TryResolve(segment.NameEn, existing, out k))
        {
            throw new AudienceException($"segment '{k}' already has that key or name");
        }
        await using var command = connection.Command(
            "INSERT INTO segments (key, name_zh, name_en, built_in, sort_order, created_at) VALUES (@key, @zh, @en, @builtIn, 1000, @now)");
        await command.With("@key", segment.Key).With("@zh", segment.NameZh.Trim()).With("@en", segment.NameEn.Trim())
            .With("@builtIn", false).With("@now", time.GetUtcNow()).ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<SegmentCount>> CountBySegmentAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var segments = await ListSegmentsAsync(connection, null, ct);
        var counts = new Dictionary<(string, SubscriberStatus), long>();
        await using (var command = connection.Command(
            "SELECT segment_key, status, n FROM segment_counts"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                counts[(reader.GetString(0), SubscriberStatusNames.Parse(reader.GetString(1)))] = Convert.ToInt64(reader.GetValue(2));
            }
        }
        long Get(string key, SubscriberStatus status) => counts.GetValueOrDefault((key, status));
        return segments.Select(s => new SegmentCount(s, Get(s.Key, SubscriberStatus.Active), Get(s.Key, SubscriberStatus.Unsubscribed),
            Get(s.Key, SubscriberStatus.Bounced), Get(s.Key, SubscriberStatus.Complained))).ToList();
    }

    public async Task<IReadOnlyList<Subscriber>> SearchAsync(SubscriberQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder("s.id > @after");
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("");
        if (query.Segment is { Length: > 0 } segmentName)
        {
            var key = Segments.Resolve(segmentName, await ListSegmentsAsync(connection, null, ct));
            where.Append(" AND EXISTS (SELECT 1 FROM subscriber_segments ss WHERE ss.subscriber_id = s.id AND ss.segment_key = @segment)");
            command.With("@segment", key);
        }
        if (query.Status is { } status)
        {
            where.Append(" AND s.status = @status");
            command.With("@status", status.ToWord());
        }
        if (query.Tag is { Length: > 0 } tag)
        {
            where.Append(" AND (s.district = @tag OR ").Append(_sql.Contains("'|' || s.industries || '|'", "@tagPiped")).Append(')');
            command.With("@tag", tag.Trim()).With("@tagPiped", "|" + tag.Trim() + "|");
        }
        if (query.Search is { Length: > 0 } search)
        {
            where.Append(" AND (").Append(_sql.ILike("s.email", "@q")).Append(" OR ").Append(_sql.ILike("s.name", "@q"))
                .Append(" OR ").Append(_sql.ILike("s.organisation", "@q")).Append(')');
            command.With("@q", "%" + SqlDialect.EscapeLike(search.Trim()) + "%");
        }
        command.CommandText = $"SELECT {Columns} FROM subscribers s WHERE {where} ORDER BY s.id LIMIT @limit";
        command.With("@after", query.AfterId).With("@limit", Math.Clamp(query.Limit, 1, 10_000));
        var result = new List<Subscriber>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadSubscriber(reader));
        }
        return result;
    }

    public async Task<ISubscriberImportSession> BeginImportAsync(CancellationToken ct = default)
    {
        var connection = await database.OpenConnectionAsync(ct);
        try
        {
            return await SqlImportSession.StartAsync(connection, database.Provider, time, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A subscriber from <see cref="Columns"/>, which start at column <paramref name="offset"/>.</summary>
    internal static Subscriber ReadSubscriber(DbDataReader r, int offset = 0)
    {
        var name = r.GetString(offset + 2);
        var title = r.GetNullableString(offset + 4);
        return new Subscriber(
            Id: r.GetInt64(offset),
            Email: r.GetString(offset + 1),
            Name: name,
            Organisation: r.GetNullableString(offset + 3),
            Title: title,
            Segments: SplitJoined(r.GetString(offset + 5)),
            District: r.GetNullableString(offset + 6),
            Industries: SplitJoined(r.GetString(offset + 7)),
            Status: SubscriberStatusNames.Parse(r.GetString(offset + 8)),
            Salutation: r.GetNullableString(offset + 9) ?? Salutation.Derive(name, title),
            Source: r.GetNullableString(offset + 10),
            ConsentAt: r.IsDBNull(offset + 11) ? null : r.GetFieldValue<DateTimeOffset>(offset + 11),
            CreatedAt: r.GetFieldValue<DateTimeOffset>(offset + 12),
            UpdatedAt: r.GetFieldValue<DateTimeOffset>(offset + 13));
    }

    internal static IReadOnlyList<string> SplitJoined(string joined) =>
        joined.Length == 0 ? [] : joined.Split('|');

    internal static async Task<IReadOnlyList<Segment>> ListSegmentsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var result = new List<Segment>();
        await using var command = connection.Command("SELECT key, name_zh, name_en, built_in FROM segments ORDER BY sort_order, key", transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Segment(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }
        return result;
    }

    private async Task<Subscriber?> FindOneAsync(string condition, object key, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM subscribers s WHERE {condition}").With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadSubscriber(reader) : null;
    }

    private async Task SetInactiveAsync(long id, SubscriberStatus status, string reason, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // Only from active: an unsubscribe is the stronger statement and a later bounce must not overwrite it.
        await using var command = connection.Command(
            "UPDATE subscribers SET status = @status, status_reason = @reason, updated_at = @now WHERE id = @id AND status = 'active'");
        await command.With("@status", status.ToWord()).With("@reason", reason).With("@now", time.GetUtcNow()).With("@id", id)
            .ExecuteNonQueryAsync(ct);
    }

    private static string AddList(List<(string, object?)> parameters, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values.Distinct())
        {
            var name = $"@{prefix}{names.Count}";
            names.Add(name);
            parameters.Add((name, value));
        }
        return string.Join(", ", names);
    }
}
