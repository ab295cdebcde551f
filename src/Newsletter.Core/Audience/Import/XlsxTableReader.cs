using System.IO.Compression;
using System.Text;
using System.Xml;
using Newsletter.Core.Localization;

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
public static partial class XlsxTableReader
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
            throw new TableFormatException(Texts.Format("core.xlsx.too_large", name, info.Length / 1024 / 1024, InputLimits.MaxUploadBytes / 1024 / 1024));
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
            throw new TableFormatException(Texts.Format("core.xlsx.no_worksheet", name));
        }
        var sheetId = sheet < sheets.Count ? sheets[sheet].Id
            : throw new TableFormatException(Texts.Format("core.xlsx.sheet_count", name, sheets.Count, sheet + 1));
        var sheetPath = relationships.FirstOrDefault(r => r.Id == sheetId) is { } found ? Resolve(folder, found.Target)
            : throw new TableFormatException(Texts.Format("core.xlsx.worksheet_missing", name));
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
                throw new TableFormatException(Texts.Format("core.xlsx.unpacks_too_large", name, (entry.Length > InputLimits.MaxXlsxPartBytes ? InputLimits.MaxXlsxPartBytes : InputLimits.MaxXlsxTotalBytes) / 1024 / 1024, entry.FullName, entry.Length / 1024 / 1024));
            }
            if (entry.Length > RatioCheckedAbove && entry.Length > entry.CompressedLength * (long)InputLimits.MaxXlsxCompressionRatio)
            {
                throw new TableFormatException(Texts.Format("core.xlsx.compression_ratio", name, entry.Length / Math.Max(1, entry.CompressedLength), entry.FullName, InputLimits.MaxXlsxCompressionRatio));
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
            ?? throw new TableFormatException(Texts.Format("core.xlsx.no_workbook_part", name, workbookPath));
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
                    throw new TableFormatException(Texts.Format("core.xlsx.too_many_texts", name, InputLimits.MaxXlsxSharedStrings));
                }
                text.Clear();
                ReadRichText(reader, text, CsvTableReader.MaxCellChars);
                chars += text.Length;
                if (chars > InputLimits.MaxXlsxSharedStringChars)
                {
                    throw new TableFormatException(Texts.Format("core.xlsx.too_much_text", name, InputLimits.MaxXlsxSharedStringChars));
                }
                strings.Add(text.Length == 0 ? "" : text.ToString());
            }
        });
        return strings;
    }
}
