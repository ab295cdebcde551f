using Newsletter.Core.Audience;
using Npgsql;
using NpgsqlTypes;

namespace Newsletter.Data.Audience;

/// <summary>
/// The insert of an import's new rows on PostgreSQL: each batch goes by binary <c>COPY</c> into a temporary table, then
/// one statement inserts what is new (in file order, so ids follow the file as before) with its memberships
/// and returns the addresses it inserted. Two round trips per batch instead of one per row; the count triggers run
/// once per statement (migration 0900).
/// </summary>
internal sealed class PostgresBulkInserter(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private bool _staged;

    /// <summary>For each row true when it was inserted, false when its address exists already.</summary>
    public async Task<bool[]> InsertAsync(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now, CancellationToken ct)
    {
        var inserted = new bool[rows.Count];
        if (rows.Count == 0) return inserted;
        if (!_staged)
        {
            await using var create = new NpgsqlCommand(
                "CREATE TEMP TABLE import_rows (ord INT, email TEXT, name TEXT, organisation TEXT, title TEXT, segments TEXT, district TEXT, " +
                "industries TEXT, status TEXT, salutation TEXT, source TEXT, consent_at TIMESTAMPTZ) ON COMMIT DROP", connection, transaction);
            await create.ExecuteNonQueryAsync(ct);
            _staged = true;
        }
        else
        {
            await using var clear = new NpgsqlCommand("TRUNCATE import_rows", connection, transaction);
            await clear.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY import_rows (ord, email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.Email, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Name.Trim(), NpgsqlDbType.Text, ct);
                await WriteTextAsync(copy, Blank(r.Organisation), ct);
                await WriteTextAsync(copy, Blank(r.Title), ct);
                await copy.WriteAsync(SubscriberWriter.Join(r.Segments), NpgsqlDbType.Text, ct);
                await WriteTextAsync(copy, Blank(r.District), ct);
                await copy.WriteAsync(SubscriberWriter.Join(r.Industries), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Status.ToWord(), NpgsqlDbType.Text, ct);
                await WriteTextAsync(copy, Blank(r.Salutation), ct);
                await WriteTextAsync(copy, Blank(r.Source), ct);
                if (r.ConsentAt is { } consent) await copy.WriteAsync(consent.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }

        // The memberships are inserted from the RETURNING rows in the same statement; the foreign key check runs at its end.
        await using var insert = new NpgsqlCommand("""
            WITH ins AS (
                INSERT INTO subscribers (email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at, created_at, updated_at)
                SELECT email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at, @now, @now
                FROM import_rows ORDER BY ord
                ON CONFLICT (email) DO NOTHING
                RETURNING id, email, segments, status),
            seg AS (
                INSERT INTO subscriber_segments (segment_key, subscriber_id, status)
                SELECT k, ins.id, ins.status FROM ins CROSS JOIN LATERAL unnest(string_to_array(ins.segments, '|')) AS k)
            SELECT r.ord FROM ins JOIN import_rows r ON r.email = ins.email
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
        await using var reader = await insert.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            inserted[reader.GetInt32(0)] = true;
        }
        return inserted;
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
