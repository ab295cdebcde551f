using System.Text;
using System.Threading.Channels;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Imports subscribers from a list as it arrives: CSV/TSV (UTF-8, UTF-16 or GBK/GB18030, comma or tab) or a workbook
/// (.xlsx, .xls, WPS .et), the kind told by the bytes (<see cref="TableFile"/>), the sheet chosen by
/// <see cref="ImportOptions.Sheet"/> or as the first with an e-mail column. Headers come from one synonym table
/// (<see cref="ImportColumns"/>); other columns are ignored and listed once. Addresses, lists and tags are read with
/// full-width forms made narrow (＠ → @). Valid rows are applied in one store transaction
/// (<see cref="ISubscriberStore.BeginImportAsync"/>): a failure mid-file stores nothing. A district or industry not
/// exactly as listed is a warning on the row, not a rejection (<see cref="ImportTagCheck"/>). Invalid rows and duplicates
/// within the file go to the rejects file — the original row plus a <c>原因</c> column, importable again once fixed;
/// addresses that unsubscribed, bounced, complained or were removed are never made active again (counted as suppressed).
/// </summary>
public sealed class SubscriberImporter(ISubscriberStore store)
{
    public const int MaxRejectsKept = 1000;

    /// <summary>
    /// Rows handed to the store at once: the store inserts a batch with statements prepared once (SQLite) or one binary
    /// COPY (PostgreSQL), and adds its memberships to the segment counts once. Larger batches gained nothing measurable.
    /// </summary>
    public const int BatchSize = 2000;

    public async Task<ImportSummary> ImportAsync(string path, ImportOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path))
        {
            return ImportSummary.Failed(path, Texts.Format("import.error.no_file", path));
        }

        var known = await store.ListSegmentsAsync(ct);
        string? defaultSegment = null;
        if (!string.IsNullOrWhiteSpace(options.Segment))
        {
            if (!Segments.TryResolve(options.Segment, known, out var key))
            {
                return ImportSummary.Failed(path, Texts.Format("import.reason.unknown_segment", options.Segment, Segments.Describe(known)));
            }
            defaultSegment = key;
        }

        var rejectsPath = options.RejectsPath ?? path + ".rejects.csv";
        var rejectsTemp = rejectsPath + ".tmp";
        IEnumerator<TableRow>? rows = null;
        try
        {
            var table = OpenTable(path, name, options, out rows);
            if (table.Error is not null)
            {
                return ImportSummary.Failed(path, table.Error);
            }
            var summary = await ImportRowsAsync(path, rows!, table.Header!, known, defaultSegment, options, options.Source ?? "import:" + name,
                rejectsTemp, ct);
            summary = summary with { Encoding = table.Encoding, DryRun = options.DryRun, Sheet = table.Sheet };
            if (summary.Succeeded && !options.DryRun)
            {
                Diagnostics.NewsletterMetrics.Import(summary.Imported, summary.Updated, summary.Unchanged, summary.Rejected, summary.Suppressed);
            }
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
            return ImportSummary.Failed(path, Texts.Format("import.error.not_utf8", name));
        }
        finally
        {
            rows?.Dispose();
            File.Delete(rejectsTemp);
        }
    }

    private sealed record Table(ImportHeader? Header, string? Sheet, string? Encoding, string? Error);

    /// <summary>
    /// Opens the list and reads up to its header: for a workbook the sheet asked for, else the first with an e-mail
    /// column. <paramref name="rows"/> is left just after the header (the caller disposes it).
    /// </summary>
    private static Table OpenTable(string path, string name, ImportOptions options, out IEnumerator<TableRow>? rows)
    {
        rows = null;
        if (TableFile.Detect(path) == TableFileKind.Text)
        {
            if (!string.IsNullOrWhiteSpace(options.Sheet))
            {
                return new Table(null, null, null, Texts.Format("core.table.csv_no_sheets", name));
            }
            var encoding = CsvTableReader.DetectEncoding(path, options.Encoding);
            rows = CsvTableReader.Read(path, encoding).GetEnumerator();
            var header = ImportHeader.Find(rows, out var sawData, options.Columns);
            return header is not null ? new Table(header, null, encoding.WebName, null)
                : new Table(null, null, encoding.WebName, sawData ? NoEmailColumn(name) : Empty(name));
        }

        var sheets = XlsxTableReader.SheetNames(path);
        var described = string.Join(", ", sheets.Select((s, i) => $"{i + 1} {s}"));
        IEnumerable<int> candidates;
        if (!string.IsNullOrWhiteSpace(options.Sheet))
        {
            var wanted = options.Sheet.Trim();
            var index = sheets.ToList().FindIndex(s => string.Equals(s.Trim(), wanted, StringComparison.OrdinalIgnoreCase));
            if (index < 0 && int.TryParse(wanted, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                && n >= 1 && n <= sheets.Count)
            {
                index = n - 1;
            }
            if (index < 0)
            {
                return new Table(null, null, null, Texts.Format("core.table.no_such_sheet", name, wanted, described));
            }
            candidates = [index];
        }
        else
        {
            candidates = Enumerable.Range(0, sheets.Count);
        }

        var anyData = false;
        foreach (var i in candidates)
        {
            var sheetRows = XlsxTableReader.Read(path, i).GetEnumerator();
            var header = ImportHeader.Find(sheetRows, out var sawData, options.Columns);
            if (header is not null)
            {
                rows = sheetRows;
                return new Table(header, sheets[i], null, null);
            }
            sheetRows.Dispose();
            anyData |= sawData;
        }
        var where = !string.IsNullOrWhiteSpace(options.Sheet) ? Texts.Format("core.table.sheet_of", options.Sheet.Trim(), name) : name;
        return new Table(null, null, null, !anyData ? Empty(where)
            : !string.IsNullOrWhiteSpace(options.Sheet) ? NoEmailColumn(where)
            : Texts.Format("core.table.no_sheet_has_email", name, ImportColumns.Describe(ImportColumn.Email), ImportHeader.RowsSearched, described));
    }

    private static string Empty(string where) =>
        Texts.Format("core.table.empty", where, ImportColumns.Describe());

    private static string NoEmailColumn(string where) =>
        Texts.Format("core.table.no_email_column", where, ImportHeader.RowsSearched, ImportColumns.Describe(ImportColumn.Email));

    private async Task<ImportSummary> ImportRowsAsync(string path, IEnumerator<TableRow> enumerator, ImportHeader header, IReadOnlyList<Segment> known,
        string? defaultSegment, ImportOptions options, string source, string rejectsTemp, CancellationToken ct)
    {
        var name = System.IO.Path.GetFileName(path);
        var headerErrors = CheckHeader(header, name, defaultSegment);
        if (headerErrors.Count > 0)
        {
            return ImportSummary.Failed(path, [.. headerErrors]);
        }

        var validator = new ImportRowValidator(known, defaultSegment, knownIndustriesOnly: false);
        var columns = Enum.GetValues<ImportColumn>().Select(c => header.Map.TryGetValue(c, out var i) ? i : -1).ToArray();
        var districtLabel = header.Label(ImportColumn.District);
        var industriesLabel = header.Label(ImportColumn.Industries);
        var singleSegments = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var emailLabel = header.Label(ImportColumn.Email);
        int imported = 0, updated = 0, unchanged = 0, rejected = 0, suppressed = 0, dataRows = 0, warningCount = 0;
        var kept = new List<ImportReject>();
        var warnings = new List<ImportWarning>();
        var rowWarnings = new List<ImportWarning>();
        await using var rejects = new StreamWriter(rejectsTemp, false, new UTF8Encoding(true));
        // The original header, plus 原因 unless the list is itself a rejects file: fixed in Excel, it imports as it is.
        var reasonIndex = header.ReasonIndex ?? header.Row.Cells.Count;
        await rejects.WriteAsync(CsvText.Line(WithReason(header.Row.Cells, reasonIndex, "原因")) + "\r\n");

        // One line per rejected row: its cells as read, and every reason found.
        async Task Reject(TableRow row, IReadOnlyList<(string Column, string Reason)> reasons)
        {
            rejected++;
            foreach (var (column, reason) in reasons)
            {
                if (kept.Count < MaxRejectsKept) kept.Add(new ImportReject(row.Line, column, reason));
            }
            var text = string.Join("；", reasons.Select(r => r.Column.Length > 0 ? $"{r.Column}: {r.Reason}" : r.Reason));
            await rejects.WriteAsync(CsvText.Line(WithReason(row.Cells, reasonIndex, text)) + "\r\n");
        }

        var batch = new List<Pending>(BatchSize);
        await using (var session = await store.BeginImportAsync(ct))
        {
            // Reading and checking the file runs while the store writes the batch before: on PostgreSQL the server
            // inserts as the next batch is parsed, on SQLite its B-tree work overlaps ours. A couple of batches wait at
            // most, so memory stays bounded; the counts are the storing task's, read once it has finished. The store
            // finds repeated addresses (no set of every address here), so the storing task also writes the rejects: a
            // batch carries the rows refused while reading, and every rejects line goes out in file order.
            var queue = Channel.CreateBounded<List<Pending>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var storing = Task.Run(async () =>
            {
                try
                {
                    await foreach (var pending in queue.Reader.ReadAllAsync(stop.Token))
                    {
                        var drafts = new List<SubscriberDraft>(pending.Count);
                        foreach (var p in pending)
                        {
                            if (p.Draft is not null) drafts.Add(p.Draft);
                        }
                        var results = drafts.Count > 0 ? await session.ApplyBatchAsync(drafts, options.Update, stop.Token) : [];
                        var k = 0;
                        foreach (var p in pending)
                        {
                            if (p.Draft is null)
                            {
                                await Reject(p.Row, p.Reasons!);
                                continue;
                            }
                            var result = results[k++];
                            switch (result.Outcome)
                            {
                                case ImportOutcome.Imported: imported++; break;
                                case ImportOutcome.Updated: updated++; break;
                                case ImportOutcome.Unchanged: unchanged++; break;
                                case ImportOutcome.Suppressed: suppressed++; break;
                                case ImportOutcome.Duplicate:
                                    await Reject(p.Row, [(emailLabel, Texts.Format("import.reason.duplicate", result.FirstLine, p.Draft.Email))]);
                                    continue;
                            }
                            if (p.Warnings is { } rowWarnings)
                            {
                                warningCount += rowWarnings.Length;
                                warnings.AddRange(rowWarnings.Take(MaxRejectsKept - warnings.Count));
                            }
                        }
                    }
                }
                catch (Exception e)
                {
                    queue.Writer.TryComplete(e);   // the reading side stops at its next batch
                    throw;
                }
            }, CancellationToken.None);

            // A row refused while reading: its rejects line goes out in order with the rows around it.
            Task Refuse(TableRow row, IReadOnlyList<(string Column, string Reason)> reasons) => Add(new Pending(row, null, reasons, null));

            async Task Add(Pending pending)
            {
                batch.Add(pending);
                if (batch.Count == BatchSize)
                {
                    await Flush();
                }
            }

            async Task Flush()
            {
                if (batch.Count == 0) return;
                try
                {
                    await queue.Writer.WriteAsync(batch, ct);
                }
                catch (ChannelClosedException)
                {
                    await storing;   // the store failed: its exception, not the channel's
                    throw;
                }
                batch = new List<Pending>(BatchSize);
            }

            try
            {
                while (enumerator.MoveNext())
                {
                    ct.ThrowIfCancellationRequested();
                    var row = enumerator.Current;
                    if (row.IsBlank) continue;
                    dataRows++;
                    if (row.Problem is not null)
                    {
                        await Refuse(row, [("", row.Problem)]);
                        continue;
                    }
                    var width = header.Row.Cells.Count;
                    if (row.Cells.Count > width && row.Cells.Skip(width).Any(c => !string.IsNullOrWhiteSpace(c)))
                    {
                        await Refuse(row, [("", Texts.Format("import.reason.field_count", row.Cells.Count, width))]);
                        continue;
                    }

                    var input = ToImportRow(row, columns);
                    // The one-pass check accepts nearly every row; FluentValidation runs only on the others, for its messages.
                    if (!validator.TryAccept(input, out var email))
                    {
                        var result = validator.Validate(input);
                        if (!result.IsValid)
                        {
                            await Refuse(row, [.. result.Errors.GroupBy(e => e.PropertyName.Split('[')[0]).Select(g => (header.Label(g.Key), g.First().ErrorMessage))]);
                            continue;
                        }
                        email = EmailAddress.Normalize(input.Email);
                    }

                    rowWarnings.Clear();
                    var draft = Draft(input, row.Line, email, validator.Names, defaultSegment, source, singleSegments,
                        ImportTagCheck.District(input.District, row.Line, districtLabel, rowWarnings),
                        ImportTagCheck.Industries(input.Industries, row.Line, industriesLabel, rowWarnings));
                    // The row's warnings count once the store has taken it (not for a repeated address).
                    await Add(new Pending(row, draft, null, rowWarnings.Count > 0 ? [.. rowWarnings] : null));
                }
                await Flush();
                queue.Writer.TryComplete();   // false when the store failed first: awaiting it then throws its exception
                await storing;
            }
            finally
            {
                if (!storing.IsCompleted)
                {
                    // Reading failed (or was cancelled): the storing task stops before the session rolls back.
                    queue.Writer.TryComplete();
                    await stop.CancelAsync();
                    await Task.WhenAny(storing);
                    _ = storing.Exception;   // observed: the reading side's exception is the one that propagates
                }
            }

            if (dataRows == 0)
            {
                return ImportSummary.Failed(path, Texts.Format("import.error.no_rows", name));
            }
            if (!options.DryRun)
            {
                await session.CommitAsync(ct);
            }
        }

        return new ImportSummary(path, [], imported, updated, unchanged, rejected, suppressed, kept, null, null, options.DryRun)
        {
            IgnoredColumns = header.Ignored,
            UnrecognisedColumns = header.Unrecognised,
            Warnings = warnings,
            WarningCount = warningCount,
        };
    }

    /// <summary>A data row on its way to the store: a draft (with the warnings its tags gave), or a row refused while reading.</summary>
    private readonly record struct Pending(TableRow Row, SubscriberDraft? Draft, IReadOnlyList<(string Column, string Reason)>? Reasons,
        ImportWarning[]? Warnings);

    /// <summary>The cells with <paramref name="reason"/> at <paramref name="index"/> (the row padded to reach it).</summary>
    private static List<string> WithReason(IReadOnlyList<string> cells, int index, string reason)
    {
        var line = cells.ToList();
        while (line.Count <= index) line.Add("");
        line[index] = reason;
        return line;
    }

    private static List<string> CheckHeader(ImportHeader header, string name, string? defaultSegment)
    {
        var errors = new List<string>();
        foreach (var required in new[] { ImportColumn.Email, ImportColumn.Name })
        {
            if (!header.Map.ContainsKey(required))
            {
                errors.Add(Texts.Format("import.error.no_column", name, header.Row.Line, ImportColumns.ChineseName(required), ImportColumns.Describe(required)));
            }
        }
        if (!header.Map.ContainsKey(ImportColumn.Segments) && defaultSegment is null && errors.Count == 0)
        {
            errors.Add(Texts.Format("import.error.no_segment_column", name, ImportColumns.Describe(ImportColumn.Segments)));
        }
        return errors;
    }

    /// <summary>
    /// The row's fields. Addresses, lists, tags and status are read with full-width forms made narrow (＠ → @, ； → ;);
    /// names and organisations keep their （）and ，as written. Surrounding spaces, full-width ones too, are trimmed.
    /// </summary>
    private static ImportRow ToImportRow(TableRow row, int[] columns)
    {
        string? Cell(ImportColumn column, bool narrow = false)
        {
            var i = columns[(int)column];
            if (i < 0 || i >= row.Cells.Count || string.IsNullOrWhiteSpace(row.Cells[i])) return null;
            var value = CsvText.Restore(row.Cells[i].Trim());
            return narrow ? FullWidth.Narrow(value).Trim() : value;
        }
        return new ImportRow(row.Line, Cell(ImportColumn.Email, narrow: true) ?? "", Cell(ImportColumn.Name) ?? "", Cell(ImportColumn.Organisation),
            Cell(ImportColumn.Title), Cell(ImportColumn.Segments, narrow: true), Cell(ImportColumn.District, narrow: true),
            Cell(ImportColumn.Industries, narrow: true), Cell(ImportColumn.Status, narrow: true), Cell(ImportColumn.Salutation));
    }

    /// <summary>
    /// <see cref="ToDraft"/> for a row <see cref="ImportRowValidator.TryAccept"/> passed, from what was worked out once:
    /// the normalised address, segment names resolved without allocating (a row's one segment list is shared by all rows
    /// naming that segment), the district and industries as <see cref="ImportTagCheck"/> settled them.
    /// </summary>
    private static SubscriberDraft Draft(ImportRow row, int line, string email, SegmentNames names, string? defaultSegment, string? source,
        Dictionary<string, IReadOnlyList<string>> singleSegments, string? district, IReadOnlyList<string> industries)
    {
        List<string>? several = null;
        string? first = null;
        foreach (var range in Segments.ListItems(row.Segments))
        {
            names.TryResolve(row.Segments.AsSpan()[range], out var key);
            if (first is null) first = key;
            else if (key != first && (several is null || !several.Contains(key))) (several ??= [first]).Add(key);
        }
        first ??= defaultSegment!;
        IReadOnlyList<string> segments = several ?? (singleSegments.TryGetValue(first, out var one) ? one : singleSegments[first] = [first]);

        var title = Blank(row.Title);
        var salutation = Blank(row.Salutation);
        if (salutation is not null && salutation == Salutation.Derive(row.Name, title)) salutation = null;
        return new SubscriberDraft(email, row.Name.Trim(), Blank(row.Organisation), title, segments, district, industries,
            string.IsNullOrWhiteSpace(row.Status) ? SubscriberStatus.Active : SubscriberStatusNames.Parse(row.Status), salutation, source)
        {
            Line = line,
        };
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

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
