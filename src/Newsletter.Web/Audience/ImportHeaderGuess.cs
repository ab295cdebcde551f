using System.Globalization;
using Newsletter.Core;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Web.Audience;

/// <summary>
/// The header of a list in which the importer finds no e-mail column (no header is a synonym of it, so the upload is
/// refused): the row the web's mapping step then offers, so the admin can say which column holds the addresses. It is
/// the first of the first <see cref="ImportHeader.RowsSearched"/> non-blank rows that names a known column (姓名, 单位 …),
/// else the first with two or more cells — a title row above it (2026年赠阅名单) has one — and never a row below data
/// (a row with an address in it is data: a list without a header has nothing to map).
/// </summary>
public static class ImportHeaderGuess
{
    /// <summary>
    /// The headers (trimmed, each once, in sheet order) that are not known columns, of the header row of the list at
    /// <paramref name="path"/> — the sheet <paramref name="sheet"/> (name or 1-based number), else the first sheet with
    /// such a row; null when there is none, the list has an e-mail column after all, or it cannot be read.
    /// </summary>
    public static IReadOnlyList<string>? UnknownHeaders(string path, string? sheet)
    {
        try
        {
            if (TableFile.Detect(path) == TableFileKind.Text)
            {
                return string.IsNullOrWhiteSpace(sheet) ? Guess(CsvTableReader.Read(path, CsvTableReader.DetectEncoding(path, null))) : null;
            }
            var sheets = XlsxTableReader.SheetNames(path);
            IEnumerable<int> candidates = Enumerable.Range(0, sheets.Count);
            if (!string.IsNullOrWhiteSpace(sheet))
            {
                var wanted = sheet.Trim();
                var index = sheets.ToList().FindIndex(s => string.Equals(s.Trim(), wanted, StringComparison.OrdinalIgnoreCase));
                if (index < 0 && int.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= sheets.Count)
                {
                    index = n - 1;
                }
                if (index < 0) return null;
                candidates = [index];
            }
            return candidates.Select(i => Guess(XlsxTableReader.Read(path, i))).FirstOrDefault(h => h is not null);
        }
        catch (Exception e) when (e is UserFacingException or IOException or InvalidDataException or System.Text.DecoderFallbackException)
        {
            // The importer has said what is wrong with the file; there is nothing to map.
            return null;
        }
    }

    private static List<string>? Guess(IEnumerable<TableRow> rows)
    {
        List<string>? fallback = null;
        var searched = 0;
        foreach (var row in rows)
        {
            if (row.IsBlank) continue;
            if (++searched > ImportHeader.RowsSearched) break;
            var cells = row.Cells.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
            if (cells.Any(c => c.Contains('@', StringComparison.Ordinal) || c.Contains('＠', StringComparison.Ordinal)))
            {
                break;
            }
            var known = cells.Select(c => ImportColumns.TryMatch(c, out var column) ? column : (ImportColumn?)null).ToList();
            if (known.Contains(ImportColumn.Email))
            {
                return null;
            }
            var unknown = cells.Where((_, i) => known[i] is null).Distinct(StringComparer.Ordinal).ToList();
            if (known.Any(k => k is not null))
            {
                return unknown.Count > 0 ? unknown : null;
            }
            if (fallback is null && cells.Count >= 2)
            {
                fallback = unknown;
            }
        }
        return fallback;
    }
}
