using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Newsletter.Core.Audience;
using SQLitePCL;

namespace Newsletter.Data.Audience;

/// <summary>
/// The insert of an import's new rows on SQLite, through two statements prepared once and bound by position on the
/// native handle. ADO.NET's per-execution work (finding each of 13 parameters by name, a data reader for the returned
/// id) cost more than SQLite's own B-tree inserts; this path costs what SQLite does. Text is bound as UTF-8 (the
/// database's encoding; UTF-16 made SQLite convert every value), and the new id is the last inserted rowid when a row
/// changed (a RETURNING clause made SQLite gather each result in a temporary table).
/// </summary>
internal sealed class SqliteBulkInserter : IDisposable
{
    // The text Microsoft.Data.Sqlite writes for a DateTimeOffset, so rows read back the same whichever path wrote them.
    private const string TimestampFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _insertSegment;
    // The value each parameter holds (SQLite keeps bindings across a reset): a value bound again is skipped when it is
    // the same string or null again — status, source, the batch's timestamp and the empty fields mostly are — and each
    // skipped bind saves a call into SQLite that takes the connection's mutex and frees the previous copy.
    private readonly string?[] _insertBound = new string?[13];   // by parameter number, from 1
    private readonly string?[] _segmentBound = new string?[4];
    private readonly MembershipCounts _counts;

    // The line of each row inserted, by id: SQLite gives a new row the largest id plus one, so this import's rows have
    // the ids after firstId - 1 in insert order and a line is 4 bytes (4 MB at a million), kept in chunks (no large
    // array copied as it grows). An id out of that order (only after the largest possible id) is kept aside.
    private const int ChunkSize = 1 << 16;
    private readonly long _firstId;
    private readonly List<int[]> _lines = [];
    private long _inserted;
    private Dictionary<long, int>? _straggler;

    /// <param name="lastId">The largest id on the list before the import.</param>
    public SqliteBulkInserter(SqliteConnection connection, MembershipCounts counts, long lastId)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        _counts = counts;
        _firstId = lastId + 1;
        _insert = Prepare(
            "INSERT INTO subscribers (email, name, organisation, title, segments, district, industries, status, salutation, source, consent_at, created_at, updated_at) " +
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) ON CONFLICT (email) DO NOTHING");
        _insertSegment = Prepare("INSERT INTO subscriber_segments (segment_key, subscriber_id, status) VALUES (?1, ?2, ?3)");
    }

    /// <summary>
    /// Inserts the rows (addresses normalised, segments resolved) and their memberships; for each row true when it was
    /// inserted, false when its address exists already (on the list before, or inserted by an earlier row).
    /// </summary>
    public bool[] Insert(IReadOnlyList<SubscriberDraft> rows, DateTimeOffset now)
    {
        var inserted = new bool[rows.Count];
        var stamp = now.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var status = r.Status.ToWord();
            Text(_insert, _insertBound, 1, r.Email);
            Text(_insert, _insertBound, 2, r.Name.Trim());
            Text(_insert, _insertBound, 3, Blank(r.Organisation));
            Text(_insert, _insertBound, 4, Blank(r.Title));
            Text(_insert, _insertBound, 5, SubscriberWriter.Join(r.Segments));
            Text(_insert, _insertBound, 6, Blank(r.District));
            Text(_insert, _insertBound, 7, SubscriberWriter.Join(r.Industries));
            Text(_insert, _insertBound, 8, status);
            Text(_insert, _insertBound, 9, Blank(r.Salutation));
            Text(_insert, _insertBound, 10, Blank(r.Source));
            Text(_insert, _insertBound, 11, r.ConsentAt?.ToString(TimestampFormat, CultureInfo.InvariantCulture));
            Text(_insert, _insertBound, 12, stamp);
            var rc = raw.sqlite3_step(_insert);
            raw.sqlite3_reset(_insert);
            Check(rc, raw.SQLITE_DONE);
            // Nothing changed: the address exists (ON CONFLICT DO NOTHING). No trigger inserts into subscribers, so the
            // last rowid is this row's.
            if (raw.sqlite3_changes(_db) == 0) continue;
            var id = raw.sqlite3_last_insert_rowid(_db);
            Remember(id, r.Line);

            inserted[i] = true;
            foreach (var segment in r.Segments)
            {
                Text(_insertSegment, _segmentBound, 1, segment);
                raw.sqlite3_bind_int64(_insertSegment, 2, id);
                Text(_insertSegment, _segmentBound, 3, status);
                rc = raw.sqlite3_step(_insertSegment);
                raw.sqlite3_reset(_insertSegment);
                Check(rc, raw.SQLITE_DONE);
                _counts.Add(segment, status);
            }
        }
        return inserted;
    }

    /// <summary>Whether this import inserted row <paramref name="id"/>, and from which line.</summary>
    public bool TryGetLine(long id, out int line)
    {
        var n = id - _firstId;
        if (n >= 0 && n < _inserted)
        {
            line = _lines[(int)(n / ChunkSize)][n % ChunkSize];
            return true;
        }
        line = 0;
        return _straggler?.TryGetValue(id, out line) == true;
    }

    private void Remember(long id, int line)
    {
        if (id != _firstId + _inserted)
        {
            (_straggler ??= [])[id] = line;
            return;
        }
        if (_inserted % ChunkSize == 0) _lines.Add(new int[ChunkSize]);
        _lines[^1][_inserted % ChunkSize] = line;
        _inserted++;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _insertSegment.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement), raw.SQLITE_OK);
        return statement;
    }

    private void Text(sqlite3_stmt statement, string?[] bound, int index, string? value)
    {
        if (ReferenceEquals(bound[index], value)) return;   // a parameter never bound is null, as in SQLite
        bound[index] = value;
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(statement, index), raw.SQLITE_OK);
            return;
        }
        // Bound with SQLITE_TRANSIENT: SQLite copies the bytes, so one buffer serves every value.
        var needed = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < needed) _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(statement, index, _utf8.AsSpan(0, length)), raw.SQLITE_OK);
    }

    private byte[] _utf8 = new byte[1024];

    private void Check(int rc, int expected)
    {
        if (rc != expected) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
