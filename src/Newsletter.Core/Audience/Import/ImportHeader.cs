namespace Newsletter.Core.Audience.Import;

/// <summary>
/// The header of a list: where its columns are, and the headers it ignores. Found as the first row (within the first
/// <see cref="RowsSearched"/>) that names an e-mail column, so title rows, notes and blank rows above it are skipped.
/// </summary>
public sealed class ImportHeader
{
    /// <summary>How far down a sheet the header is looked for.</summary>
    public const int RowsSearched = 30;

    private ImportHeader(TableRow row, Dictionary<ImportColumn, int> map, IReadOnlyList<string> ignored, IReadOnlyList<string> unrecognised)
    {
        Row = row;
        Map = map;
        Ignored = ignored;
        Unrecognised = unrecognised;
    }

    public TableRow Row { get; }

    /// <summary>The column index of each recognised column (the first when a column appears twice).</summary>
    public IReadOnlyDictionary<ImportColumn, int> Map { get; }

    /// <summary>Headers not in <see cref="ImportColumns.Synonyms"/> (序号, 手机, 备注 …) and second copies of a column, as written.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Headers neither in <see cref="ImportColumns.Synonyms"/> nor in the explicit mapping, in full as written: what a mapping step offers.</summary>
    public IReadOnlyList<string> Unrecognised { get; }

    /// <summary>The index of the <c>原因</c> column of a rejects file, when the list is one.</summary>
    public int? ReasonIndex => Map.TryGetValue(ImportColumn.Reason, out var i) ? i : null;

    /// <summary>
    /// Reads rows from <paramref name="rows"/> until the header; null when none of the first <see cref="RowsSearched"/>
    /// non-blank rows names an e-mail column. <paramref name="sawData"/> tells an empty sheet from one without that column.
    /// <paramref name="columns"/> (see <see cref="ImportOptions.Columns"/>) wins over the synonyms.
    /// </summary>
    public static ImportHeader? Find(IEnumerator<TableRow> rows, out bool sawData, IReadOnlyDictionary<string, ImportColumn?>? columns = null)
    {
        sawData = false;
        var searched = 0;
        while (searched < RowsSearched && rows.MoveNext())
        {
            var row = rows.Current;
            if (row.IsBlank) continue;
            sawData = true;
            searched++;
            if (row.Cells.Any(c => Match(c, columns, out var column) == true && column == ImportColumn.Email))
            {
                return Of(row, columns);
            }
        }
        return null;
    }

    /// <summary>True: a column; false: ignored by the mapping; null: not recognised.</summary>
    private static bool? Match(string header, IReadOnlyDictionary<string, ImportColumn?>? columns, out ImportColumn column)
    {
        column = default;
        if (columns is not null && columns.TryGetValue(header.Trim(), out var chosen))
        {
            column = chosen.GetValueOrDefault();
            return chosen.HasValue;
        }
        return ImportColumns.TryMatch(header, out column) ? true : null;
    }

    private static ImportHeader Of(TableRow row, IReadOnlyDictionary<string, ImportColumn?>? columns)
    {
        var map = new Dictionary<ImportColumn, int>();
        var ignored = new List<string>();
        var unrecognised = new List<string>();
        for (var i = 0; i < row.Cells.Count; i++)
        {
            var text = row.Cells[i].Trim();
            if (text.Length == 0) continue;
            var matched = Match(text, columns, out var column);
            if (matched != true)
            {
                ignored.Add(Shorten(text));
                if (matched is null) unrecognised.Add(text);
            }
            else if (!map.TryAdd(column, i))
            {
                ignored.Add($"{Shorten(text)} (a second {ImportColumns.ChineseName(column)} column)");
            }
        }
        return new ImportHeader(row, map, ignored, unrecognised);
    }

    /// <summary>The header of the column a validator property names, as written in the file; the property otherwise.</summary>
    public string Label(string property) =>
        Enum.TryParse<ImportColumn>(property.Split('[')[0], out var column) && Map.TryGetValue(column, out var i) ? Row.Cells[i].Trim() : property.ToLowerInvariant();

    /// <summary>The header as written for <paramref name="column"/>, or its Chinese name.</summary>
    public string Label(ImportColumn column) => Map.TryGetValue(column, out var i) ? Row.Cells[i].Trim() : ImportColumns.ChineseName(column);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
