using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Newsletter.Data.Tests.Audience;

/// <summary>Writes small .xlsx files for import tests (inline strings; optional merged ranges and leading empty sheet; several named sheets).</summary>
internal static class XlsxWriter
{
    /// <summary>A workbook of these sheets, in this tab order.</summary>
    public static void WriteSheets(string path, params (string Name, IReadOnlyList<string?[]> Rows)[] sheets)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var list = workbook.Workbook.AppendChild(new Sheets());
        uint id = 1;
        foreach (var (name, rows) in sheets)
        {
            AddSheet(workbook, list, id++, name, rows, null);
        }
        workbook.Workbook.Save();
    }

    public static void Write(string path, IReadOnlyList<string?[]> rows, string[]? merges = null, bool emptyFirstSheet = false)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        uint id = 1;
        if (emptyFirstSheet)
        {
            AddSheet(workbook, sheets, id++, "空白", [], null);
        }
        AddSheet(workbook, sheets, id, "名单", rows, merges);
        workbook.Workbook.Save();
    }

    private static void AddSheet(WorkbookPart workbook, Sheets sheets, uint id, string name, IReadOnlyList<string?[]> rows, string[]? merges)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = new Row { RowIndex = (uint)(r + 1) };
            for (var c = 0; c < rows[r].Length; c++)
            {
                if (rows[r][c] is not { } text) continue;
                row.Append(new Cell
                {
                    CellReference = $"{(char)('A' + c)}{r + 1}", // tests stay within A–Z
                    DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }),
                });
            }
            data.Append(row);
        }
        var worksheet = new Worksheet(data);
        if (merges is { Length: > 0 })
        {
            worksheet.Append(new MergeCells(merges.Select(m => new MergeCell { Reference = m })));
        }
        part.Worksheet = worksheet;
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = name });
    }
}
