namespace Newsletter.Core.Issues;

/// <summary>
/// The tables of a Word document as <see cref="BulletinWordImporter"/> carries them: a table of at least two rows and
/// two columns becomes a <see cref="Table"/> (its first non-blank row the header, blank rows left out);
/// any other table is read as one paragraph per row.
/// </summary>
internal sealed class WordTables
{
    private readonly Dictionary<int, Table?> tables = [];
    private readonly Dictionary<int, int> firstRows = [];

    public WordTables(IEnumerable<WordItem> items)
    {
        foreach (var group in items.Where(i => i.Row is not null && i.Text.Length > 0).GroupBy(i => i.Row!.Start))
        {
            var rows = group.ToList();
            firstRows[group.Key] = rows[0].Number;
            tables[group.Key] = rows[0].Row!.IsDataTable && rows.Count >= 2
                ? new Table(rows[0].Row!.Cells, [.. rows.Skip(1).Select(r => r.Row!.Cells)], rows[0].Number)
                : null;
        }
    }

    /// <summary>The table <paramref name="row"/> belongs to when it is carried as a table; null when it is read as paragraphs.</summary>
    public Table? Of(WordTableRow row) => tables.GetValueOrDefault(row.Start);

    /// <summary>
    /// Why a table row became a paragraph, on the table's first non-blank row (null on the others and on paragraphs),
    /// so the editor checks how it reads.
    /// </summary>
    public string? RowNote(WordItem item, bool inArticle)
    {
        if (item.Row is not { } row || firstRows.GetValueOrDefault(row.Start) != item.Number)
        {
            return null;
        }
        var size = Localization.Texts.Format("core.import.word_table", row.RowCount, row.Columns);
        return Of(row) is null
            ? Localization.Texts.Format("core.import.table_as_paragraphs", size)
            : inArticle
                ? null
                : Localization.Texts.Format("core.import.table_outside_article", size);
    }

    /// <summary>The decision reported for a table carried as a table.</summary>
    public static ImportDecision Decision(Table table) => new(table.Line, ImportDecisionKind.Table,
        Localization.Texts.Format("core.import.table_decision", table.Rows.Count + 1, table.Columns, string.Join(BulletinWordImporter.CellSeparator.Trim(), table.Header.Select(c => c.Text))));
}
