using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Writes subscribers in the import's format (English headers), so an export imports back unchanged: as CSV, where
/// cells that look like formulas are neutralised (<see cref="CsvText.Neutralise"/>), or as a real .xlsx workbook
/// (Open XML SDK), where every cell is a text cell — never a formula — so nothing needs neutralising.
/// </summary>
public sealed class SubscriberExporter(ISubscriberStore store)
{
    /// <summary>The header line the export writes.</summary>
    public static IReadOnlyList<string> Header { get; } =
        [.. new[] { ImportColumn.Email, ImportColumn.Name, ImportColumn.Organisation, ImportColumn.Title, ImportColumn.Segments,
            ImportColumn.District, ImportColumn.Industries, ImportColumn.Status, ImportColumn.Salutation }.Select(ImportColumns.EnglishName)];

    /// <summary>Writes every subscriber (of <paramref name="segment"/> when given), any status, in id order, as CSV; returns how many.</summary>
    public async Task<long> ExportAsync(TextWriter writer, string? segment = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(CsvText.Line(Header) + "\r\n");
        return await EachAsync(segment, async fields => await writer.WriteAsync(CsvText.Line(fields) + "\r\n"), ct);
    }

    /// <summary>
    /// Exports to a file: an .xlsx workbook when the name ends in .xlsx, else CSV in UTF-8 with BOM (so spreadsheet
    /// programs detect it). The file appears whole or not at all (written beside it, then moved into place).
    /// </summary>
    /// <exception cref="ArgumentException">The name ends in .xls, .et or .ods, formats this export does not write.</exception>
    public async Task<long> ExportAsync(string path, string? segment = null, CancellationToken ct = default)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".xls" or ".et" or ".ods" or ".xlsm")
        {
            throw new ArgumentException($"the export writes .xlsx or .csv, not {extension}; name the file list.xlsx or list.csv", nameof(path));
        }
        var temp = path + ".tmp";
        try
        {
            long count;
            if (extension == ".xlsx")
            {
                count = await ExportXlsxAsync(temp, segment, ct);
            }
            else
            {
                await using var writer = new StreamWriter(temp, false, new UTF8Encoding(true));
                count = await ExportAsync(writer, segment, ct);
            }
            File.Move(temp, path, overwrite: true);
            return count;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>One sheet, 订阅者, header row then one row per subscriber, every cell an inline string; streamed with <see cref="OpenXmlWriter"/>.</summary>
    private async Task<long> ExportXlsxAsync(string path, string? segment, CancellationToken ct)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
        long count;
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            uint rowIndex = 0;
            void Row(IReadOnlyList<string?> fields)
            {
                rowIndex++;
                writer.WriteStartElement(new Row { RowIndex = rowIndex });
                for (var c = 0; c < fields.Count; c++)
                {
                    if (string.IsNullOrEmpty(fields[c])) continue;
                    writer.WriteElement(new Cell
                    {
                        CellReference = $"{(char)('A' + c)}{rowIndex}",
                        DataType = CellValues.InlineString,
                        InlineString = new InlineString(new Text(fields[c]!) { Space = SpaceProcessingModeValues.Preserve }),
                    });
                }
                writer.WriteEndElement();
            }
            Row([.. Header]);
            count = await EachAsync(segment, fields => { Row(fields); return Task.CompletedTask; }, ct);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        workbookPart.Workbook = new Workbook(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = "订阅者" }));
        workbookPart.Workbook.Save();
        return count;
    }

    /// <summary>Calls <paramref name="write"/> with the fields of every subscriber, page by page; returns how many.</summary>
    private async Task<long> EachAsync(string? segment, Func<string?[], Task> write, CancellationToken ct)
    {
        long count = 0;
        long after = 0;
        while (true)
        {
            var page = await store.SearchAsync(new SubscriberQuery(Segment: segment, AfterId: after, Limit: 1000), ct);
            foreach (var s in page)
            {
                await write([s.Email, s.Name, s.Organisation, s.Title, string.Join(';', s.Segments), s.District,
                    string.Join(';', s.Industries), s.Status.ToWord(), s.Salutation]);
                count++;
            }
            if (page.Count < 1000) return count;
            after = page[^1].Id;
        }
    }
}
