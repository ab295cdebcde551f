using System.Globalization;
using System.Text;
using ExcelDataReader;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Reads the first sheet of an .xlsx (or .xls) workbook as <see cref="TableRow"/>s numbered like the sheet's rows.
/// A merged range yields its value in its first cell only, as the file stores it; numbers and dates become invariant text.
/// </summary>
public static class XlsxTableReader
{
    static XlsxTableReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IEnumerable<TableRow> Read(string path)
    {
        using var stream = File.OpenRead(path);
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(stream);
        }
        catch (Exception e) when (e is ExcelDataReader.Exceptions.HeaderException or InvalidDataException or IOException or NotSupportedException or System.Xml.XmlException)
        {
            throw new TableFormatException($"{Path.GetFileName(path)} is not a readable Excel workbook ({e.Message}); save it again as .xlsx or as CSV");
        }

        using (reader)
        {
            var line = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = reader.Read();
                }
                catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or FormatException or IOException)
                {
                    throw new TableFormatException($"{Path.GetFileName(path)} row {line + 1} cannot be read ({e.Message})");
                }
                if (!more) yield break;
                line = reader.Depth + 1;
                var cells = new string[reader.FieldCount];
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
