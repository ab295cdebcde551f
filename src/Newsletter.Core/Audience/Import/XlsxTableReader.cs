using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using ExcelDataReader;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Reads a sheet of an .xlsx (or legacy .xls / WPS .et) workbook as <see cref="TableRow"/>s numbered like the sheet's rows.
/// A merged range yields its value in its first cell only, as the file stores it; numbers become invariant text.
/// </summary>
/// <remarks>
/// <para>An .xlsx is a zip of XML parts, and a hostile one can be small on disk and huge inside. So before any XML is
/// read, every part's uncompressed size and compression ratio is checked against <see cref="InputLimits"/>; a part
/// that inflates beyond its declared size is cut off. The XML is read as a stream (the sheet is never held in
/// memory), with DTDs refused; rows stop at Excel's row limit and must ascend, so <c>&lt;row r="100000000"&gt;</c> is
/// one error, not a hundred million empty rows; only the first <see cref="InputLimits.MaxTableColumns"/> columns may
/// hold values; the shared-string table (the one part kept in memory) is bounded in entries and characters.</para>
/// <para>Legacy .xls and WPS .et files (not compressed, at most 65,536 rows by format) go through ExcelDataReader.</para>
/// Every problem is a <see cref="TableFormatException"/> naming the file (and the row where there is one).
/// </remarks>
public static class XlsxTableReader
{
    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    // Below this size a part's ratio says nothing (a short run of zeros compresses 1000:1 and harms no one).
    private const long RatioCheckedAbove = 1024 * 1024;

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, // Excel never writes a DTD; entity expansion is how XML bombs work
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    [ThreadStatic]
    private static char[]? t_chunk;

    static XlsxTableReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The names of the workbook's sheets, in the order Excel shows their tabs.</summary>
    public static IReadOnlyList<string> SheetNames(string path)
    {
        var name = Path.GetFileName(path);
        return IsZip(path, name) switch
        {
            true => XlsxSheetNames(path, name),
            false => XlsSheetNames(path, name),
        };
    }

    /// <summary>The rows of sheet <paramref name="sheet"/> (0-based), in order; rows the sheet leaves out are not returned.</summary>
    public static IEnumerable<TableRow> Read(string path, int sheet = 0)
    {
        var name = Path.GetFileName(path);
        return IsZip(path, name) ? ReadXlsx(path, name, sheet) : ReadXls(path, name, sheet);
    }

    /// <summary>Checks the size and signature: true for a zip (.xlsx), false for an OLE compound file (.xls, WPS .et).</summary>
    private static bool IsZip(string path, string name)
    {
        var info = new FileInfo(path);
        if (info.Length > InputLimits.MaxUploadBytes)
        {
            throw new TableFormatException($"{name} is {info.Length / 1024 / 1024} MiB, more than the {InputLimits.MaxUploadBytes / 1024 / 1024} MiB a workbook may have; save the list as CSV");
        }
        Span<byte> signature = stackalloc byte[4];
        using (var probe = File.OpenRead(path))
        {
            probe.ReadAtLeast(signature, 4, throwOnEndOfStream: false);
        }
        return signature switch
        {
            [0x50, 0x4B, 0x03, 0x04] => true,
            [0xD0, 0xCF, 0x11, 0xE0] => false,
            _ => throw NotAWorkbook(name, "it is not a zip or an Excel 97–2003 file"),
        };
    }

    private static IEnumerable<TableRow> ReadXlsx(string path, string name, int sheet)
    {
        using var archive = OpenArchive(path, name);
        var (sheetPath, strings) = Prepare(archive, name, sheet);
        foreach (var row in ReadSheet(archive, sheetPath, strings, name))
        {
            yield return row;
        }
    }

    private static List<string> XlsxSheetNames(string path, string name)
    {
        using var archive = OpenArchive(path, name);
        try
        {
            CheckSizes(archive, name);
            var (workbookPath, _, _) = Workbook(archive, name);
            return [.. SheetRelationships(archive, workbookPath, name).Select(s => s.Name)];
        }
        catch (InvalidDataException e)
        {
            throw NotAWorkbook(name, e.Message);
        }
    }

    /// <summary>Checks the sizes, then finds the sheet and reads the shared strings.</summary>
    private static (string SheetPath, List<string> Strings) Prepare(ZipArchive archive, string name, int sheet)
    {
        try
        {
            return PrepareCore(archive, name, sheet);
        }
        catch (InvalidDataException e)
        {
            throw NotAWorkbook(name, e.Message); // a damaged zip directory, found while listing or opening the parts
        }
    }

    private static (string SheetPath, List<string> Strings) PrepareCore(ZipArchive archive, string name, int sheet)
    {
        CheckSizes(archive, name);
        var (workbookPath, folder, relationships) = Workbook(archive, name);
        var sheets = SheetRelationships(archive, workbookPath, name);
        if (sheets.Count == 0)
        {
            throw new TableFormatException($"{name} has no worksheet; save the list again from Excel or as CSV");
        }
        var sheetId = sheet < sheets.Count ? sheets[sheet].Id
            : throw new TableFormatException($"{name} has {sheets.Count} sheet(s), not {sheet + 1}");
        var sheetPath = relationships.FirstOrDefault(r => r.Id == sheetId) is { } found ? Resolve(folder, found.Target)
            : throw new TableFormatException($"{name} names a worksheet that is not in the file; save the list again from Excel or as CSV");
        var stringsPath = Target(relationships, folder, t => t.EndsWith("/sharedStrings", StringComparison.Ordinal));
        return (sheetPath, stringsPath is null ? [] : ReadSharedStrings(archive, stringsPath, name));
    }

    /// <summary>The workbook part, its folder and its relationships.</summary>
    private static (string Path, string Folder, List<Relationship> Relationships) Workbook(ZipArchive archive, string name)
    {
        var workbookPath = Target(ReadRelationships(archive, "_rels/.rels", name), "", t => t.EndsWith("/officeDocument", StringComparison.Ordinal))
            ?? "xl/workbook.xml";
        var folder = workbookPath.Contains('/') ? workbookPath[..(workbookPath.LastIndexOf('/') + 1)] : "";
        return (workbookPath, folder, ReadRelationships(archive, folder + "_rels/" + workbookPath[folder.Length..] + ".rels", name));
    }

    private static ZipArchive OpenArchive(string path, string name)
    {
        var stream = File.OpenRead(path);
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw NotAWorkbook(name, e.Message);
        }
    }

    /// <summary>Refuses a workbook whose parts are, or claim to be, too large or too compressed, before reading any.</summary>
    private static void CheckSizes(ZipArchive archive, string name)
    {
        long total = 0;
        foreach (var entry in archive.Entries)
        {
            total += entry.Length;
            if (entry.Length > InputLimits.MaxXlsxPartBytes || total > InputLimits.MaxXlsxTotalBytes)
            {
                throw new TableFormatException($"{name} unpacks to more than {(entry.Length > InputLimits.MaxXlsxPartBytes ? InputLimits.MaxXlsxPartBytes : InputLimits.MaxXlsxTotalBytes) / 1024 / 1024} MiB ({entry.FullName}: {entry.Length / 1024 / 1024:N0} MiB); a subscriber list is far smaller — save it as CSV");
            }
            if (entry.Length > RatioCheckedAbove && entry.Length > entry.CompressedLength * (long)InputLimits.MaxXlsxCompressionRatio)
            {
                throw new TableFormatException($"{name} is compressed {entry.Length / Math.Max(1, entry.CompressedLength):N0} times ({entry.FullName}), more than the {InputLimits.MaxXlsxCompressionRatio} of a real sheet: a decompression bomb? Save the list again from Excel or as CSV");
            }
        }
    }

    private sealed record Relationship(string Id, string Type, string Target);

    private static List<Relationship> ReadRelationships(ZipArchive archive, string partPath, string name)
    {
        var list = new List<Relationship>();
        using var reader = OpenPart(archive, partPath, name);
        if (reader is null) return list;
        Guard(name, partPath, () =>
        {
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && list.Count < 10_000)
                {
                    list.Add(new Relationship(reader.GetAttribute("Id") ?? "", reader.GetAttribute("Type") ?? "", reader.GetAttribute("Target") ?? ""));
                }
            }
        });
        return list;
    }

    private static string? Target(List<Relationship> relationships, string folder, Func<string, bool> type) =>
        relationships.FirstOrDefault(r => type(r.Type)) is { } found ? Resolve(folder, found.Target) : null;

    /// <summary>The part a relationship target names: absolute ("/xl/…") or relative to <paramref name="folder"/>.</summary>
    private static string Resolve(string folder, string target)
    {
        var parts = new List<string>();
        var full = target.StartsWith('/') ? target[1..] : folder + target;
        foreach (var segment in full.Split('/'))
        {
            if (segment == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else if (segment is not "." and not "") parts.Add(segment);
        }
        return string.Join('/', parts);
    }

    /// <summary>The sheets in tab order: their names and relationship ids (at most 1,000; a workbook never has more in practice).</summary>
    private static List<(string Name, string Id)> SheetRelationships(ZipArchive archive, string workbookPath, string name)
    {
        using var reader = OpenPart(archive, workbookPath, name)
            ?? throw new TableFormatException($"{name} has no workbook part ({workbookPath}); save the list again from Excel or as CSV");
        var sheets = new List<(string Name, string Id)>();
        Guard(name, workbookPath, () =>
        {
            while (reader.Read() && sheets.Count < 1000)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "sheet")
                {
                    sheets.Add((reader.GetAttribute("name") ?? "", reader.GetAttribute("id", RelationshipNamespace) ?? ""));
                }
            }
        });
        return sheets;
    }

    private static List<string> ReadSharedStrings(ZipArchive archive, string partPath, string name)
    {
        var strings = new List<string>();
        using var reader = OpenPart(archive, partPath, name);
        if (reader is null) return strings;
        long chars = 0;
        var text = new StringBuilder();
        Guard(name, partPath, () =>
        {
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "si" || reader.NamespaceURI != MainNamespace)
                {
                    continue;
                }
                if (strings.Count >= InputLimits.MaxXlsxSharedStrings)
                {
                    throw new TableFormatException($"{name} has more than {InputLimits.MaxXlsxSharedStrings:N0} distinct texts; save the list as CSV");
                }
                text.Clear();
                ReadRichText(reader, text, CsvTableReader.MaxCellChars);
                chars += text.Length;
                if (chars > InputLimits.MaxXlsxSharedStringChars)
                {
                    throw new TableFormatException($"{name} holds more than {InputLimits.MaxXlsxSharedStringChars:N0} characters of text; save the list as CSV");
                }
                strings.Add(text.Length == 0 ? "" : text.ToString());
            }
        });
        return strings;
    }

    private static IEnumerable<TableRow> ReadSheet(ZipArchive archive, string sheetPath, List<string> strings, string name)
    {
        using var reader = OpenPart(archive, sheetPath, name)
            ?? throw new TableFormatException($"{name} names a worksheet that is not in the file ({sheetPath}); save the list again from Excel or as CSV");
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
                : throw new TableFormatException($"{name} has more than {InputLimits.MaxTableRows:N0} rows, Excel's limit; split the list");
        }
        if (!int.TryParse(attribute, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > InputLimits.MaxTableRows)
        {
            throw new TableFormatException($"{name} has a row numbered {Shorten(attribute)}, beyond Excel's {InputLimits.MaxTableRows:N0} rows; save the list again from Excel or as CSV");
        }
        return number > previous ? number
            : throw new TableFormatException($"{name} row {number} comes after row {previous}; save the list again from Excel or as CSV");
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
                throw new TableFormatException($"{name} row {rowNumber} has a value in column {ColumnName(column)}; a subscriber list has at most {InputLimits.MaxTableColumns} columns — delete the columns on the right or save the list as CSV");
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
                throw new TableFormatException($"{name} row {rowNumber} has a cell named '{Shorten(reference)}', not a cell reference; save the list again from Excel or as CSV");
            }
        }
        return column < InputLimits.ExcelMaxColumns ? column
            : throw new TableFormatException($"{name} row {rowNumber} has a cell beyond Excel's last column (XFD); save the list again from Excel or as CSV");
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
                    : throw new TableFormatException($"{name} row {rowNumber} column {ColumnName(column)} refers to a text the workbook does not have; save the list again from Excel or as CSV");
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
            throw new TableFormatException($"{name} contains a DTD (<!DOCTYPE …> in {partPath}), which Excel never writes and which is refused; save the list again from Excel or as CSV");
        }
        catch (XmlException e)
        {
            throw new TableFormatException($"{name} is damaged: {partPath} is not well-formed XML (line {e.LineNumber}); save the list again from Excel or as CSV");
        }
        catch (InvalidDataException e)
        {
            throw new TableFormatException($"{name} is damaged: {partPath} cannot be unpacked ({e.Message}); save the list again from Excel or as CSV");
        }
    }

    private static TableFormatException NotAWorkbook(string name, string reason) =>
        new($"{name} is not a readable Excel workbook ({reason}); save it again as .xlsx or as CSV");

    private static string Shorten(string s) => s.Length <= 20 ? s : s[..20] + "…";

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
                throw new TableFormatException($"{name} has {i + 1} sheet(s), not {sheet + 1}");
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
                    throw new TableFormatException($"{name} row {line + 1} cannot be read ({e.Message}); save it again as .xlsx or as CSV");
                }
                if (!more) yield break;
                line = reader.Depth + 1;
                if (line > InputLimits.MaxTableRows)
                {
                    throw new TableFormatException($"{name} has more than {InputLimits.MaxTableRows:N0} rows, Excel's limit; split the list");
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
                : throw new TableFormatException($"{name} is damaged: {partPath} unpacks to more than the {declared:N0} bytes it declares; save the list again from Excel or as CSV");
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
