using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Npgsql;
using NpgsqlTypes;

namespace Newsletter.Data.Audience;

/// <summary>
/// The insert of an import's new rows on PostgreSQL. Per batch one query finds which addresses are on the list already
/// and reserves identity values for the others (in file order, so ids follow the file as before): that is the batch's
/// answer. The new rows are then written every 10,000 (and before the commit): binary <c>COPY</c> straight into
/// <c>subscribers</c>, then their memberships into <c>subscriber_segments</c>. COPY inserts in multi-row groups where an
/// INSERT … SELECT inserts row by row, and no staging table is written, truncated and read again. The membership checks and counts
/// run once per statement (migrations 1051, 0900).
/// </summary>
/// <remarks>
/// The check sees committed rows and this transaction's. An address another session adds and commits between the
/// check and the write makes the COPY fail on the unique index: the import stops, rolled back, with an
/// <see cref="AudienceException"/> (importing again then finds the address on the list).
/// </remarks>
internal sealed class PostgresBulkInserter(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private string? _checkSql;

    private const string CopySubscribers =
        "COPY subscribers (id, email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at, created_at, updated_at) FROM STDIN (FORMAT BINARY)";

    private const string CopyMemberships = "COPY subscriber_segments (segment_key, subscriber_id, status) FROM STDIN (FORMAT BINARY)";

    /// <summary>New rows checked but not yet written, in file order, each with its reserved id.</summary>
    private readonly List<(long Id, SubscriberDraft Row, DateTimeOffset Stamp)> _pending = new(FlushAt + SubscriberImporter.BatchSize);
    private readonly HashSet<string> _pendingEmails = new(StringComparer.Ordinal);

    // Rows are written once this many wait: fewer, larger statements (each a round trip and a trigger call) than one
    // set per importer batch of 2,000, at the cost of holding these rows a little longer.
    private const int FlushAt = 10_000;

    /// <summary>
    /// For each row true when it is new (it is then written before the next check that names its address, at the latest
    /// by <see cref="FlushAsync"/>), false when its address exists already.
    /// </summary>
    public async Task<bool[]> InsertAsync(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now, CancellationToken ct)
    {
        var inserted = new bool[rows.Count];
        if (rows.Count == 0) return inserted;

        // An address that waits to be written must be in the table before it is checked again.
        for (var i = 0; i < rows.Count && _pending.Count > 0; i++)
        {
            if (_pendingEmails.Contains(rows[i].Email)) await FlushAsync(ct);
        }

        await using (var check = new NpgsqlCommand(_checkSql ??= await CheckSqlAsync(ct), connection, transaction))
        {
            var emails = new string[rows.Count];
            for (var i = 0; i < rows.Count; i++) emails[i] = rows[i].Email;
            check.Parameters.Add(new NpgsqlParameter<string[]>("emails", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = emails });
            await using var reader = await check.ExecuteReaderAsync(ct);
            var stamp = now.ToUniversalTime();
            for (var i = 0; await reader.ReadAsync(ct); i++)
            {
                if (reader.IsDBNull(0)) continue;
                _pending.Add((reader.GetInt64(0), rows[i], stamp));
                _pendingEmails.Add(rows[i].Email);
                inserted[i] = true;
            }
        }
        if (_pending.Count >= FlushAt) await FlushAsync(ct);
        return inserted;
    }

    /// <summary>Writes the rows that wait: the subscribers, then their memberships, each by binary COPY.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return;
        try
        {
            await using (var copy = await connection.BeginBinaryImportAsync(CopySubscribers, ct))
            {
                foreach (var (id, r, stamp) in _pending)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
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
                    await copy.WriteAsync(stamp, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(stamp, NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The server's detail names the address, but Npgsql redacts it by default (it may be personal data).
            throw new AudienceException(
                "another user or process added one of this file's addresses to the list while the import ran; the import was rolled back, nothing was imported",
                "import the file again: addresses already on the list are then compared like the others");
        }

        // The memberships after their subscribers, also by COPY: no row trigger on them, their checks and counts run
        // once per statement (migrations 1051, 0900).
        await using (var copy = await connection.BeginBinaryImportAsync(CopyMemberships, ct))
        {
            foreach (var (id, r, _) in _pending)
            {
                var status = r.Status.ToWord();
                foreach (var segment in r.Segments)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(segment, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(status, NpgsqlDbType.Text, ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        _pending.Clear();
        _pendingEmails.Clear();
    }

    // One index probe per address: a scalar subquery, because PostgreSQL may run an EXISTS as a hashed subplan, a scan of
    // the whole list per batch. The subquery is ordered by position and nextval is outside it: ids are drawn in file
    // order, only for the addresses not found. The identity sequence is named once, as a constant, not looked up per row.
    private async Task<string> CheckSqlAsync(CancellationToken ct)
    {
        await using var name = new NpgsqlCommand("SELECT pg_get_serial_sequence('subscribers', 'id')", connection, transaction);
        var sequence = (string)(await name.ExecuteScalarAsync(ct))!;
        return $"""
            SELECT CASE WHEN t.known THEN NULL ELSE nextval('{sequence.Replace("'", "''", StringComparison.Ordinal)}'::regclass) END
            FROM (SELECT e.i, (SELECT TRUE FROM subscribers s WHERE s.email = e.email) AS known
                  FROM unnest(@emails) WITH ORDINALITY AS e(email, i) ORDER BY e.i) t
            """;
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
