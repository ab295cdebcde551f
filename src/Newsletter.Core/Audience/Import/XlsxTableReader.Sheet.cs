using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Audience.Import;

// The rows and cells of one .xlsx sheet, read as a stream within the limits.
public static partial class XlsxTableReader
{
    private static IEnumerable<TableRow> ReadSheet(ZipArchive archive, string sheetPath, List<string> strings, string name)
    {
        using var reader = OpenPart(archive, sheetPath, name)
            ?? throw new TableFormatException(Texts.Format("core.xlsx.worksheet_missing_part", name, sheetPath));
        var rowNumber = 0;
        var values = new List<(int Column, string Value)>();
        var text = new StringBuilder();
        while (true)
        {
            TableRow? row = null;
            Guard(name, sheetPath, () =>
            {
                while (row is null && reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "row" && reader.NamespaceURI == MainNamespace)
                    {
                        rowNumber = RowNumber(reader.GetAttribute("r"), rowNumber, name);
                        row = ReadRow(reader, rowNumber, strings, values, text, name);
                    }
                }
            });
            if (row is null) yield break;
            yield return row;
        }
    }

    private static int RowNumber(string? attribute, int previous, string name)
    {
        if (attribute is null)
        {
            return previous < InputLimits.MaxTableRows ? previous + 1
                : throw new TableFormatException(Texts.Format("core.xlsx.too_many_rows", name, InputLimits.MaxTableRows));
        }
        if (!int.TryParse(attribute, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > InputLimits.MaxTableRows)
        {
            throw new TableFormatException(Texts.Format("core.xlsx.row_number_beyond", name, Shorten(attribute), InputLimits.MaxTableRows));
        }
        return number > previous ? number
            : throw new TableFormatException(Texts.Format("core.xlsx.rows_out_of_order", name, number, previous));
    }

    private static TableRow ReadRow(XmlReader reader, int rowNumber, List<string> strings, List<(int Column, string Value)> values,
        StringBuilder text, string name)
    {
        values.Clear();
        if (reader.IsEmptyElement) return new TableRow(rowNumber, []);
        var depth = reader.Depth;
        var column = -1;
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "c") continue;
            column = Column(reader.GetAttribute("r"), column, rowNumber, name);
            var type = reader.GetAttribute("t");
            var value = ReadCell(reader, type, strings, text, rowNumber, column, name);
            if (value.Length == 0) continue;
            if (column >= InputLimits.MaxTableColumns)
            {
                throw new TableFormatException(Texts.Format("core.xlsx.too_many_columns", name, rowNumber, ColumnName(column), InputLimits.MaxTableColumns));
            }
            values.Add((column, value));
        }
        var cells = new string[values.Count == 0 ? 0 : values.Max(v => v.Column) + 1];
        Array.Fill(cells, "");
        foreach (var (index, value) in values) cells[index] = value;
        return new TableRow(rowNumber, cells);
    }

    /// <summary>The 0-based column of a cell reference such as <c>B3</c>; without one, the cell after the previous.</summary>
    private static int Column(string? reference, int previous, int rowNumber, string name)
    {
        var column = previous + 1;
        if (reference is not null)
        {
            column = -1;
            var i = 0;
            for (; i < reference.Length && i < 4 && char.IsAsciiLetter(reference[i]); i++)
            {
                column = ((column + 1) * 26) + (char.ToUpperInvariant(reference[i]) - 'A');
            }
            if (i == 0 || (i < reference.Length && !char.IsAsciiDigit(reference[i])))
            {
                throw new TableFormatException(Texts.Format("core.xlsx.bad_cell_reference", name, rowNumber, Shorten(reference)));
            }
        }
        return column < InputLimits.ExcelMaxColumns ? column
            : throw new TableFormatException(Texts.Format("core.xlsx.beyond_last_column", name, rowNumber));
    }

    private static string ColumnName(int column)
    {
        var name = "";
        for (column++; column > 0; column = (column - 1) / 26) name = (char)('A' + ((column - 1) % 26)) + name;
        return name;
    }

    private static string ReadCell(XmlReader reader, string? type, List<string> strings, StringBuilder text, int rowNumber, int column, string name)
    {
        text.Clear();
        string? raw = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) && !reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "v" or "is")
                {
                    text.Clear();
                    if (reader.LocalName == "v") ReadContent(reader, text, CsvTableReader.MaxCellChars);
                    else ReadRichText(reader, text, CsvTableReader.MaxCellChars);
                    raw = text.ToString();
                    reader.Read();
                }
                else if (reader.NodeType == XmlNodeType.Element)
                {
                    reader.Skip(); // a formula (its cached result is the <v>) or an extension
                }
                else
                {
                    reader.Read();
                }
            }
        }
        if (raw is null) return "";
        switch (type)
        {
            case "s":
                return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < strings.Count
                    ? strings[index]
                    : throw new TableFormatException(Texts.Format("core.xlsx.missing_shared_text", name, rowNumber, ColumnName(column)));
            case "b":
                return raw.Trim() == "1" ? "TRUE" : "FALSE";
            case "e":
                return ""; // #N/A and the like: no value
            case "str" or "inlineStr" or "d":
                return raw;
            default:
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number.ToString("R", CultureInfo.InvariantCulture)
                    : raw;
        }
    }

    /// <summary>The text of an <c>si</c> or <c>is</c> element: its <c>t</c> runs, without phonetic guides (<c>rPh</c>).</summary>
    private static void ReadRichText(XmlReader reader, StringBuilder text, int maxChars)
    {
        if (reader.IsEmptyElement) return;
        var depth = reader.Depth;
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) && !reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "rPh")
            {
                reader.Skip();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "t")
            {
                ReadContent(reader, text, maxChars);
                reader.Read();
            }
            else
            {
                reader.Read();
            }
        }
    }

    /// <summary>
    /// Appends the text content of the current element, at most <paramref name="maxChars"/> + 1 characters (so
    /// validation sees it is too long), reading in chunks so a huge text node is never held whole. Ends on its end tag.
    /// </summary>
    private static void ReadContent(XmlReader reader, StringBuilder text, int maxChars)
    {
        if (reader.IsEmptyElement) return;
        var depth = reader.Depth;
        var buffer = t_chunk ??= new char[4096];
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) && !reader.EOF)
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
            {
                int read;
                while ((read = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                {
                    text.Append(buffer, 0, Math.Min(read, Math.Max(0, maxChars + 1 - text.Length)));
                }
            }
            reader.Read();
        }
    }

    private static XmlReader? OpenPart(ZipArchive archive, string partPath, string name)
    {
        var entry = archive.GetEntry(partPath) ?? archive.Entries.FirstOrDefault(e => string.Equals(e.FullName, partPath, StringComparison.OrdinalIgnoreCase));
        if (entry is null) return null;
        try
        {
            return XmlReader.Create(new BoundedStream(entry.Open(), entry.Length, name, partPath), XmlSettings);
        }
        catch (InvalidDataException e)
        {
            throw NotAWorkbook(name, e.Message);
        }
    }

    /// <summary>Runs a step of XML reading, turning the XML and zip faults of a malformed workbook into one message.</summary>
    private static void Guard(string name, string partPath, Action read)
    {
        try
        {
            read();
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new TableFormatException(Texts.Format("core.xlsx.dtd", name, partPath));
        }
        catch (XmlException e)
        {
            throw new TableFormatException(Texts.Format("core.xlsx.bad_xml", name, partPath, e.LineNumber));
        }
        catch (InvalidDataException e)
        {
            throw new TableFormatException(Texts.Format("core.xlsx.cannot_unpack", name, partPath, e.Message));
        }
    }

    private static TableFormatException NotAWorkbook(string name, string reason) =>
        new(Texts.Format("core.xlsx.not_readable", name, reason));

    private static string Shorten(string s) => s.Length <= 20 ? s : s[..20] + "…";

    /// <summary>A part's stream that ends in an error when the part inflates beyond the size its zip entry declares.</summary>
    private sealed class BoundedStream(Stream inner, long declared, string name, string partPath) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int read)
        {
            _read += read;
            return _read <= declared ? read
                : throw new TableFormatException(Texts.Format("core.xlsx.unpacks_beyond_declared", name, partPath, declared));
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
