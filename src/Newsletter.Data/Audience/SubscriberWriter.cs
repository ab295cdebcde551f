using System.Data.Common;
using Newsletter.Core.Audience;

namespace Newsletter.Data.Audience;

/// <summary>
/// The writes of a subscriber row and its segment memberships, with commands created once and reused
/// (prepared) inside one transaction — the import applies a million rows through one writer.
/// </summary>
internal sealed class SubscriberWriter(DbConnection connection, DbTransaction transaction, TimeProvider time) : IAsyncDisposable
{
    private DbCommand? _insert;
    private DbCommand? _insertSegment;
    private DbCommand? _deleteSegments;
    private DbCommand? _update;
    private DbCommand? _find;

    /// <summary>Set by an import on SQLite, whose transaction runs without the per-row count trigger: memberships are counted here.</summary>
    public MembershipCounts? Counts { get; init; }

    /// <summary>Inserts the row (email already normalised, segments resolved); null when the address exists.</summary>
    public async Task<long?> InsertAsync(SubscriberDraft row, string? consentNote, CancellationToken ct)
    {
        _insert ??= await PrepareAsync(
            "INSERT INTO subscribers (email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at, consent_note, created_at, updated_at) " +
            "VALUES (@email, @name, @organisation, @title, @segments, @district, @industries, @status, @salutation, @source, @consentAt, @consentNote, @now, @now) " +
            "ON CONFLICT (email) DO NOTHING RETURNING id",
            ["@email", "@name", "@organisation", "@title", "@segments", "@district", "@industries", "@status", "@salutation", "@source", "@consentAt", "@consentNote", "@now"], ct);
        SetFields(_insert, row);
        _insert.With("@status", row.Status.ToWord()).With("@source", Blank(row.Source)).With("@consentAt", row.ConsentAt)
            .With("@consentNote", Blank(consentNote)).With("@now", time.GetUtcNow());
        var result = await _insert.ExecuteScalarAsync(ct);
        if (result is null or DBNull)
        {
            return null;
        }
        var id = Convert.ToInt64(result);
        await InsertSegmentsAsync(id, row.Segments, row.Status, ct);
        return id;
    }

    /// <summary>
    /// Replaces the editable fields and the segment memberships of <paramref name="id"/>; the status changes only when
    /// <paramref name="withStatus"/> (an import marking an address unsubscribed). False when no such id.
    /// </summary>
    public async Task<bool> UpdateFieldsAsync(long id, SubscriberDraft row, CancellationToken ct, bool withStatus = false)
    {
        _update ??= await PrepareAsync(
            "UPDATE subscribers SET email = @email, name = @name, organisation = @organisation, title = @title, segments = @segments, " +
            "district = @district, industries = @industries, salutation = @salutation, status = COALESCE(@status, status), updated_at = @now WHERE id = @id",
            ["@email", "@name", "@organisation", "@title", "@segments", "@district", "@industries", "@salutation", "@status", "@now", "@id"], ct);
        SetFields(_update, row);
        _update.With("@status", withStatus ? row.Status.ToWord() : null).With("@now", time.GetUtcNow()).With("@id", id);
        if (await _update.ExecuteNonQueryAsync(ct) == 0)
        {
            return false;
        }
        _deleteSegments ??= await PrepareAsync("DELETE FROM subscriber_segments WHERE subscriber_id = @id", ["@id"], ct);
        await _deleteSegments.With("@id", id).ExecuteNonQueryAsync(ct);
        var status = withStatus ? row.Status : (await FindAsync(row.Email, ct))!.Status;
        await InsertSegmentsAsync(id, row.Segments, status, ct);
        return true;
    }

    /// <summary>The stored row for the (normalised) address, as the fields an import compares.</summary>
    public async Task<StoredRow?> FindAsync(string email, CancellationToken ct)
    {
        _find ??= await PrepareAsync(
            "SELECT id, name, organisation, title, segments, district, industries, status, salutation FROM subscribers WHERE email = @email",
            ["@email"], ct);
        await using var reader = await _find.With("@email", email).ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new StoredRow(reader.GetInt64(0), reader.GetString(1), reader.GetNullableString(2), reader.GetNullableString(3),
            reader.GetString(4), reader.GetNullableString(5), reader.GetString(6), SubscriberStatusNames.Parse(reader.GetString(7)),
            reader.GetNullableString(8));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _insert, _insertSegment, _deleteSegments, _update, _find })
        {
            if (command is not null) await command.DisposeAsync();
        }
    }

    /// <summary>Lists are stored '|'-joined; '|' cannot occur inside a key or an industry name (validated on the way in).</summary>
    public static string Join(IReadOnlyList<string> values) => values.Count switch
    {
        0 => "",
        1 => values[0],
        _ => string.Join('|', values),
    };

    private async Task InsertSegmentsAsync(long id, IReadOnlyList<string> segments, SubscriberStatus status, CancellationToken ct)
    {
        _insertSegment ??= await PrepareAsync(
            "INSERT INTO subscriber_segments (segment_key, subscriber_id, status) VALUES (@key, @id, @status)", ["@key", "@id", "@status"], ct);
        foreach (var key in segments)
        {
            await _insertSegment.With("@key", key).With("@id", id).With("@status", status.ToWord()).ExecuteNonQueryAsync(ct);
            Counts?.Add(key, status.ToWord());
        }
    }

    private static void SetFields(DbCommand command, SubscriberDraft row) =>
        command.With("@email", row.Email).With("@name", row.Name.Trim()).With("@organisation", Blank(row.Organisation))
            .With("@title", Blank(row.Title)).With("@segments", Join(row.Segments)).With("@district", Blank(row.District))
            .With("@industries", Join(row.Industries)).With("@salutation", Blank(row.Salutation));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<DbCommand> PrepareAsync(string sql, string[] parameters, CancellationToken ct)
    {
        var command = connection.Command(sql, transaction);
        // Typed placeholders so the statement can be prepared before the first values arrive.
        foreach (var name in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = DBNull.Value;
            p.DbType = name switch
            {
                "@id" => System.Data.DbType.Int64,
                "@now" or "@consentAt" => System.Data.DbType.DateTimeOffset,
                _ => System.Data.DbType.String,
            };
            command.Parameters.Add(p);
        }
        await command.PrepareAsync(ct);
        return command;
    }
}

/// <summary>What an import compares of a stored subscriber.</summary>
internal sealed record StoredRow(long Id, string Name, string? Organisation, string? Title, string Segments, string? District,
    string Industries, SubscriberStatus Status, string? Salutation);
