using System.Globalization;
using System.Xml;
using ExcelDataReader;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Audience.Import;

// Legacy .xls and WPS .et workbooks, through ExcelDataReader.
public static partial class XlsxTableReader
{
    private static List<string> XlsSheetNames(string path, string name)
    {
        using var stream = File.OpenRead(path);
        using var reader = OpenXls(stream, name);
        var names = new List<string>();
        do
        {
            names.Add(reader.Name ?? "");
        }
        while (names.Count < 1000 && reader.NextResult());
        return names;
    }

    private static IExcelDataReader OpenXls(Stream stream, string name)
    {
        try
        {
            return ExcelReaderFactory.CreateBinaryReader(stream);
        }
        catch (Exception e) when (e is ExcelDataReader.Exceptions.ExcelReaderException or InvalidDataException or IOException or NotSupportedException
            or ArgumentException or XmlException)
        {
            throw NotAWorkbook(name, e.Message);
        }
    }

    /// <summary>
    /// Legacy .xls and WPS .et (BIFF8 in an OLE compound file: not compressed, at most 65,536 rows × 256 columns by format)
    /// through ExcelDataReader.
    /// </summary>
    private static IEnumerable<TableRow> ReadXls(string path, string name, int sheet)
    {
        using var stream = File.OpenRead(path);
        using var reader = OpenXls(stream, name);
        for (var i = 0; i < sheet; i++)
        {
            if (!reader.NextResult())
            {
                throw new TableFormatException(Texts.Format("core.xlsx.sheet_count", name, i + 1, sheet + 1));
            }
        }
        {
            var line = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = reader.Read();
                }
                catch (Exception e) when (e is ExcelDataReader.Exceptions.ExcelReaderException or InvalidDataException or XmlException or FormatException
                    or IOException or ArgumentException or IndexOutOfRangeException)
                {
                    throw new TableFormatException(Texts.Format("core.xlsx.xls_row_unreadable", name, line + 1, e.Message));
                }
                if (!more) yield break;
                line = reader.Depth + 1;
                if (line > InputLimits.MaxTableRows)
                {
                    throw new TableFormatException(Texts.Format("core.xlsx.too_many_rows", name, InputLimits.MaxTableRows));
                }
                var cells = new string[Math.Min(reader.FieldCount, InputLimits.MaxTableColumns)];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = reader.GetValue(i) switch
                    {
                        null => "",
                        string s => s,
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var other => other.ToString() ?? "",
                    };
                }
                yield return new TableRow(line, cells);
            }
        }
    }
}
