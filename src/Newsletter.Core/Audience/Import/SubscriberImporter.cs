using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Core.Audience.Import;

/// <summary>How to import a file.</summary>
public sealed record ImportOptions
{
    /// <summary>Segment (key or name) for rows whose segment cell is empty or absent. Default none: such rows are rejected.</summary>
    public string? Segment { get; init; }

    /// <summary>Validate and count, then roll back: nothing is stored. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>Change the fields of addresses already on the list. Default false: they are left as they are (unchanged).</summary>
    public bool Update { get; init; }

    /// <summary><c>utf-8</c> or <c>gbk</c> (CSV only). Default null: detected.</summary>
    public string? Encoding { get; init; }

    /// <summary>Recorded as each new subscriber's source. Default <c>import:&lt;file name&gt;</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Where invalid rows are written. Default <c>&lt;input&gt;.rejects.csv</c> next to the input.</summary>
    public string? RejectsPath { get; init; }
}

/// <summary>One rejected row: its line (or sheet row), the column and why.</summary>
public sealed record ImportReject(int Line, string Column, string Reason);

/// <summary>
/// What an import did. <see cref="Errors"/> holds file-level problems (empty, unknown columns, unreadable); when there
/// are any nothing was stored. <see cref="Rejects"/> keeps the first <see cref="SubscriberImporter.MaxRejectsKept"/>
/// rejected rows; the rejects file has them all.
/// </summary>
public sealed record ImportSummary(string Path, IReadOnlyList<string> Errors, int Imported, int Updated, int Unchanged,
    int Rejected, int Suppressed, IReadOnlyList<ImportReject> Rejects, string? RejectsPath, string? Encoding, bool DryRun)
{
    public bool Succeeded => Errors.Count == 0;

    public int Rows => Imported + Updated + Unchanged + Rejected + Suppressed;

    internal static ImportSummary Failed(string path, params string[] errors) =>
        new(path, errors, 0, 0, 0, 0, 0, [], null, null, false);
}

/// <summary>
/// Imports subscribers from CSV (UTF-8 or GBK/GB18030, comma or tab) or XLSX (first sheet). Valid rows are applied in
/// one store transaction (<see cref="ISubscriberStore.BeginImportAsync"/>): a failure mid-file stores nothing.
/// Invalid rows and duplicates within the file go to the rejects file; addresses that unsubscribed, bounced,
/// complained or were removed are never made active again (counted as suppressed).
/// </summary>
public sealed class SubscriberImporter(ISubscriberStore store)
{
    public const int MaxRejectsKept = 1000;

    /// <summary>Rows handed to the store at once (13 parameters each stay well under SQLite's and PostgreSQL's limits).</summary>
    public const int BatchSize = 500;

    public async Task<ImportSummary> ImportAsync(string path, ImportOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path))
        {
            return ImportSummary.Failed(path, $"{path} does not exist");
        }

        var known = await store.ListSegmentsAsync(ct);
        string? defaultSegment = null;
        if (!string.IsNullOrWhiteSpace(options.Segment))
        {
            if (!Segments.TryResolve(options.Segment, known, out var key))
            {
                return ImportSummary.Failed(path, $"unknown segment '{options.Segment}' (known: {Segments.Describe(known)})");
            }
            defaultSegment = key;
        }

        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        IEnumerable<TableRow> rows;
        string? encodingName = null;
        try
        {
            if (extension is ".xlsx" or ".xls" or ".xlsm")
            {
                rows = XlsxTableReader.Read(path);
            }
            else
            {
                var encoding = CsvTableReader.DetectEncoding(path, options.Encoding);
                encodingName = encoding.WebName;
                rows = CsvTableReader.Read(path, encoding);
            }
        }
        catch (TableFormatException e)
        {
            return ImportSummary.Failed(path, e.Message);
        }

        var rejectsPath = options.RejectsPath ?? path + ".rejects.csv";
        var rejectsTemp = rejectsPath + ".tmp";
        try
        {
            var summary = await ImportRowsAsync(path, rows, known, defaultSegment, options, options.Source ?? "import:" + name,
                rejectsTemp, ct);
            summary = summary with { Encoding = encodingName, DryRun = options.DryRun };
            if (summary.Rejected > 0)
            {
                File.Move(rejectsTemp, rejectsPath, overwrite: true);
                return summary with { RejectsPath = rejectsPath };
            }
            // A stale rejects file from an earlier run would mislead.
            File.Delete(rejectsPath);
            return summary;
        }
        catch (TableFormatException e)
        {
            return ImportSummary.Failed(path, e.Message);
        }
        catch (DecoderFallbackException)
        {
            return ImportSummary.Failed(path, $"{name} is not valid UTF-8; run again with --encoding gbk (or save it as UTF-8)");
        }
        finally
        {
            File.Delete(rejectsTemp);
        }
    }

    private async Task<ImportSummary> ImportRowsAsync(string path, IEnumerable<TableRow> rows, IReadOnlyList<Segment> known,
        string? defaultSegment, ImportOptions options, string source, string rejectsTemp, CancellationToken ct)
    {
        using var enumerator = rows.GetEnumerator();
        var name = System.IO.Path.GetFileName(path);

        // The header: the first row with more than one filled cell (a merged title row above it is skipped).
        TableRow? header = null;
        while (enumerator.MoveNext())
        {
            var row = enumerator.Current;
            if (row.Cells.Count(c => !string.IsNullOrWhiteSpace(c)) > 1 || (row.Cells.Count == 1 && ImportColumns.TryMatch(row.Cells[0], out _)))
            {
                header = row;
                break;
            }
        }
        if (header is null)
        {
            return ImportSummary.Failed(path, $"{name} is empty: expected a header line ({ImportColumns.Describe()}) and one subscriber per line");
        }

        var map = MapHeader(header, name, defaultSegment, out var headerErrors);
        if (headerErrors.Count > 0)
        {
            return ImportSummary.Failed(path, [.. headerErrors]);
        }

        var validator = new ImportRowValidator(known, defaultSegment);
        var seen = new Dictionary<UInt128, int>();
        int imported = 0, updated = 0, unchanged = 0, rejected = 0, suppressed = 0, dataRows = 0;
        var kept = new List<ImportReject>();
        await using var rejects = new StreamWriter(rejectsTemp, false, new UTF8Encoding(true));
        await rejects.WriteLineAsync("line,column,reason");

        // Counts rows; a row failing several rules gets one line per rule in the rejects file.
        async Task Reject(int line, string column, string reason, bool sameRow = false)
        {
            if (!sameRow) rejected++;
            if (kept.Count < MaxRejectsKept) kept.Add(new ImportReject(line, column, reason));
            await rejects.WriteLineAsync(CsvText.Line([line.ToString(System.Globalization.CultureInfo.InvariantCulture), column, reason]));
        }

        var batch = new List<SubscriberDraft>(BatchSize);
        await using (var session = await store.BeginImportAsync(ct))
        {
            async Task Flush()
            {
                if (batch.Count == 0) return;
                foreach (var outcome in await session.ApplyBatchAsync(batch, options.Update, ct))
                {
                    switch (outcome)
                    {
                        case ImportOutcome.Imported: imported++; break;
                        case ImportOutcome.Updated: updated++; break;
                        case ImportOutcome.Unchanged: unchanged++; break;
                        case ImportOutcome.Suppressed: suppressed++; break;
                    }
                }
                batch.Clear();
            }

            while (enumerator.MoveNext())
            {
                ct.ThrowIfCancellationRequested();
                var row = enumerator.Current;
                if (row.IsBlank) continue;
                dataRows++;
                if (row.Problem is not null)
                {
                    await Reject(row.Line, "", row.Problem);
                    continue;
                }
                if (row.Cells.Count > header.Cells.Count && row.Cells.Skip(header.Cells.Count).Any(c => !string.IsNullOrWhiteSpace(c)))
                {
                    await Reject(row.Line, "", $"{row.Cells.Count} fields but the header has {header.Cells.Count}; quote fields holding a separator");
                    continue;
                }

                var input = ToImportRow(row, map);
                var result = validator.Validate(input);
                if (!result.IsValid)
                {
                    var firstError = true;
                    foreach (var error in result.Errors.GroupBy(e => e.PropertyName.Split('[')[0]).Select(g => g.First()))
                    {
                        await Reject(row.Line, ColumnLabel(error.PropertyName, map, header), error.ErrorMessage, sameRow: !firstError);
                        firstError = false;
                    }
                    continue;
                }

                var draft = ToDraft(input, known, defaultSegment, source);
                var key = Hash(draft.Email);
                if (seen.TryGetValue(key, out var firstLine))
                {
                    await Reject(row.Line, ColumnLabel(nameof(ImportRow.Email), map, header), $"duplicate of line {firstLine} ({draft.Email})");
                    continue;
                }
                seen[key] = row.Line;

                batch.Add(draft);
                if (batch.Count == BatchSize)
                {
                    await Flush();
                }
            }
            await Flush();

            if (dataRows == 0)
            {
                return ImportSummary.Failed(path, $"{name} has a header line but no subscribers");
            }
            if (!options.DryRun)
            {
                await session.CommitAsync(ct);
            }
        }

        return new ImportSummary(path, [], imported, updated, unchanged, rejected, suppressed, kept, null, null, options.DryRun);
    }

    private static Dictionary<ImportColumn, int> MapHeader(TableRow header, string name, string? defaultSegment, out List<string> errors)
    {
        errors = [];
        var map = new Dictionary<ImportColumn, int>();
        var unknown = new List<string>();
        for (var i = 0; i < header.Cells.Count; i++)
        {
            var text = header.Cells[i].Trim();
            if (text.Length == 0) continue;
            if (!ImportColumns.TryMatch(text, out var column))
            {
                unknown.Add(text);
            }
            else if (!map.TryAdd(column, i))
            {
                errors.Add($"{name} line {header.Line}: column '{text}' appears twice");
            }
        }
        if (unknown.Count > 0)
        {
            errors.Add($"{name} line {header.Line}: unknown column(s) {string.Join(", ", unknown.Select(u => $"'{Shorten(u)}'"))}; known: {ImportColumns.Describe()}");
        }
        foreach (var required in new[] { ImportColumn.Email, ImportColumn.Name })
        {
            if (!map.ContainsKey(required))
            {
                errors.Add($"{name} line {header.Line}: no {ImportColumns.EnglishName(required)} column ({ImportColumns.Describe()})");
            }
        }
        if (!map.ContainsKey(ImportColumn.Segments) && defaultSegment is null && errors.Count == 0)
        {
            errors.Add($"{name} has no segment column (类别/segment); give --segment to put every row in one segment");
        }
        return map;
    }

    private static ImportRow ToImportRow(TableRow row, Dictionary<ImportColumn, int> map)
    {
        string? Cell(ImportColumn column) =>
            map.TryGetValue(column, out var i) && i < row.Cells.Count && !string.IsNullOrWhiteSpace(row.Cells[i]) ? CsvText.Restore(row.Cells[i]) : null;
        return new ImportRow(row.Line, Cell(ImportColumn.Email) ?? "", Cell(ImportColumn.Name) ?? "", Cell(ImportColumn.Organisation),
            Cell(ImportColumn.Title), Cell(ImportColumn.Segments), Cell(ImportColumn.District), Cell(ImportColumn.Industries),
            Cell(ImportColumn.Status), Cell(ImportColumn.Salutation));
    }

    /// <summary>A validated row as the store takes it: address normalised, names resolved to keys, a salutation equal to the derived one dropped.</summary>
    public static SubscriberDraft ToDraft(ImportRow row, IReadOnlyCollection<Segment> known, string? defaultSegment, string? source)
    {
        var segmentNames = Segments.SplitList(row.Segments);
        var segments = segmentNames.Count > 0
            ? segmentNames.Select(s => Segments.Resolve(s, known)).Distinct().ToList()
            : [defaultSegment!];
        var industries = Segments.SplitList(row.Industries)
            .Select(i => Industries.TryResolve(i, out var x) ? x : i).Distinct().ToList();
        var name = row.Name.Trim();
        var title = Blank(row.Title);
        var salutation = Blank(row.Salutation);
        if (salutation == Salutation.Derive(name, title)) salutation = null;
        return new SubscriberDraft(EmailAddress.Normalize(row.Email), name, Blank(row.Organisation), title, segments, Blank(row.District),
            industries, string.IsNullOrWhiteSpace(row.Status) ? SubscriberStatus.Active : SubscriberStatusNames.Parse(row.Status),
            salutation, source);
    }

    private static string ColumnLabel(string property, Dictionary<ImportColumn, int> map, TableRow header) =>
        Enum.TryParse<ImportColumn>(property.Split('[')[0], out var column) && map.TryGetValue(column, out var i) ? header.Cells[i].Trim() : property.ToLowerInvariant();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    // 128 bits of SHA-256: a million addresses in ~30 MB instead of ~100 MB of strings; a collision is not a practical concern.
    private static UInt128 Hash(string email)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(email), digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
