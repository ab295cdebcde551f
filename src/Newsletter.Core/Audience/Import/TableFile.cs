using System.IO.Compression;
using System.Text;

namespace Newsletter.Core.Audience.Import;

/// <summary>What a list file is, judged from its bytes (its extension says nothing: an .xlsx renamed .csv, a WPS .et).</summary>
public enum TableFileKind
{
    /// <summary>An .xlsx (zip) or an .xls / WPS .et (OLE compound file): read by <see cref="XlsxTableReader"/>.</summary>
    Workbook,

    /// <summary>CSV or TSV text, UTF-8, UTF-16 or GB18030: read by <see cref="CsvTableReader"/>.</summary>
    Text,
}

/// <summary>Tells a spreadsheet or a text table from a document that is not a list (Word, PDF, PowerPoint, an image).</summary>
public static class TableFile
{
    private static string SaveAs => Localization.Texts.Get("core.table.save_as");

    /// <summary>The kind of <paramref name="path"/>.</summary>
    /// <exception cref="TableFormatException">The file is a document or binary data, not a list; the message names it and says what to do.</exception>
    public static TableFileKind Detect(string path)
    {
        var name = Path.GetFileName(path);
        Span<byte> head = stackalloc byte[8];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        head = head[..read];
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return ZipKind(path, name);
        }
        if (head.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
        {
            return CompoundKind(path, name);
        }
        if (head.StartsWith("%PDF"u8))
        {
            throw new TableFormatException(Localization.Texts.Format("core.table.pdf", name) + " — " + SaveAs);
        }
        if (head.StartsWith("{\\rtf"u8))
        {
            throw new TableFormatException(Localization.Texts.Format("core.table.word", name) + " — " + SaveAs);
        }
        if (IsBinary(path))
        {
            throw new TableFormatException(Localization.Texts.Format("core.table.binary", name) + " — " + SaveAs);
        }
        return TableFileKind.Text;
    }

    /// <summary>An Office Open XML or OpenDocument package: which one, from the names of its parts (nothing is unpacked).</summary>
    private static TableFileKind ZipKind(string path, string name)
    {
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var parts = archive.Entries.Take(10_000).Select(e => e.FullName).ToList();
            if (parts.Any(p => p.StartsWith("xl/", StringComparison.OrdinalIgnoreCase)))
            {
                return TableFileKind.Workbook;
            }
            if (parts.Any(p => p.StartsWith("word/", StringComparison.OrdinalIgnoreCase)))
            {
                throw new TableFormatException(Localization.Texts.Format("core.table.word", name) + " — " + SaveAs);
            }
            if (parts.Any(p => p.StartsWith("ppt/", StringComparison.OrdinalIgnoreCase)))
            {
                throw new TableFormatException(Localization.Texts.Format("core.table.powerpoint", name) + " — " + SaveAs);
            }
            if (archive.GetEntry("mimetype") is { Length: < 200 } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                var type = reader.ReadToEnd();
                throw new TableFormatException(type.Contains("spreadsheet", StringComparison.Ordinal)
                    ? $"{name} is an OpenDocument spreadsheet (.ods) — {SaveAs}"
                    : $"{name} is an OpenDocument file, not a list — {SaveAs}");
            }
        }
        catch (InvalidDataException)
        {
            // A damaged zip: the workbook reader says what is wrong with it.
        }
        return TableFileKind.Workbook;
    }

    /// <summary>An OLE compound file is an .xls, a WPS .et — or a Word 97 .doc or an old .ppt, told by their stream names.</summary>
    private static TableFileKind CompoundKind(string path, string name)
    {
        var info = new FileInfo(path);
        if (info.Length <= InputLimits.MaxUploadBytes)
        {
            // Stream names sit in the directory sectors, in UTF-16; a list never holds these words in that form.
            var bytes = File.ReadAllBytes(path).AsSpan();
            if (bytes.IndexOf(Encoding.Unicode.GetBytes("WordDocument")) >= 0)
            {
                throw new TableFormatException(Localization.Texts.Format("core.table.word", name) + " — " + SaveAs);
            }
            if (bytes.IndexOf(Encoding.Unicode.GetBytes("PowerPoint Document")) >= 0)
            {
                throw new TableFormatException(Localization.Texts.Format("core.table.powerpoint", name) + " — " + SaveAs);
            }
        }
        return TableFileKind.Workbook;
    }

    /// <summary>
    /// NUL bytes in the first 8 KiB of a file with no UTF-16 shape: an image, an archive, an executable. (UTF-16 text,
    /// with or without a byte-order mark, has its NULs in every other byte; <see cref="CsvTableReader"/> reads it.)
    /// </summary>
    private static bool IsBinary(string path)
    {
        var buffer = new byte[8192];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        var span = buffer.AsSpan(0, read);
        if (span.IndexOf((byte)0) < 0 || CsvTableReader.Utf16Shape(span) is not null)
        {
            return false;
        }
        return true;
    }
}
