using System.Text;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// Writes a minimal legacy workbook: BIFF8 records (BOF, BOUNDSHEET, LABEL, EOF) in the "Workbook" stream of an OLE
/// compound file (version 3, 512-byte sectors) — the format of Excel 97–2003 .xls files and of what WPS saves as .et
/// when asked for a compatible file. No library in the package set writes this format, so the test writes the bytes
/// the specification ([MS-CFB], [MS-XLS]) asks for; only text cells.
/// </summary>
internal static class XlsWriter
{
    private const uint EndOfChain = 0xFFFFFFFE, FreeSector = 0xFFFFFFFF, FatSector = 0xFFFFFFFD, NoStream = 0xFFFFFFFF;

    public static void Write(string path, params (string Name, IReadOnlyList<string?[]> Rows)[] sheets)
    {
        var workbook = Biff(sheets);
        // A stream below 4,096 bytes would belong in the mini stream; padding after the last EOF is never read.
        var streamLength = Math.Max(workbook.Length, 4096);
        var streamSectors = (streamLength + 511) / 512;
        if (streamSectors > 126) throw new ArgumentException("the test workbook must stay under 64 KiB");

        using var file = new BinaryWriter(File.Create(path));
        // Header.
        file.Write(0xE11AB1A1E011CFD0UL);
        file.Write(new byte[16]);
        file.Write((ushort)0x003E);
        file.Write((ushort)0x0003);
        file.Write((ushort)0xFFFE);
        file.Write((ushort)9); // 512-byte sectors
        file.Write((ushort)6); // 64-byte mini sectors
        file.Write(new byte[6]);
        file.Write(0); // directory sectors (version 3: 0)
        file.Write(1); // FAT sectors
        file.Write(1); // first directory sector
        file.Write(0);
        file.Write(4096); // mini stream cutoff
        file.Write(EndOfChain); // no mini FAT
        file.Write(0);
        file.Write(EndOfChain); // no DIFAT sectors
        file.Write(0);
        file.Write(0u); // DIFAT[0]: the FAT is sector 0
        for (var i = 1; i < 109; i++) file.Write(FreeSector);

        // Sector 0: the FAT. Sector 1: the directory. Sectors 2…: the Workbook stream.
        var fat = new uint[128];
        Array.Fill(fat, FreeSector);
        fat[0] = FatSector;
        fat[1] = EndOfChain;
        for (var s = 0; s < streamSectors; s++) fat[2 + s] = s == streamSectors - 1 ? EndOfChain : (uint)(3 + s);
        foreach (var entry in fat) file.Write(entry);

        DirectoryEntry(file, "Root Entry", 5, child: 1, start: EndOfChain, size: 0);
        DirectoryEntry(file, "Workbook", 2, child: NoStream, start: 2, size: (uint)streamLength);
        file.Write(new byte[256]); // two unused entries
        var padded = new byte[streamSectors * 512];
        workbook.CopyTo(padded, 0);
        file.Write(padded);
    }

    private static void DirectoryEntry(BinaryWriter file, string name, byte type, uint child, uint start, uint size)
    {
        var nameBytes = new byte[64];
        Encoding.Unicode.GetBytes(name).CopyTo(nameBytes, 0);
        file.Write(nameBytes);
        file.Write((ushort)((name.Length + 1) * 2));
        file.Write(type);
        file.Write((byte)1); // black
        file.Write(NoStream); // left sibling
        file.Write(NoStream); // right sibling
        file.Write(child);
        file.Write(new byte[16]); // class id
        file.Write(0); // state bits
        file.Write(0L); // created
        file.Write(0L); // modified
        file.Write(start);
        file.Write(size);
        file.Write(0); // high part of the size
    }

    /// <summary>The globals substream (BOF, CODEPAGE 1200, one BOUNDSHEET per sheet, EOF), then each sheet's (BOF, LABELs, EOF).</summary>
    private static byte[] Biff((string Name, IReadOnlyList<string?[]> Rows)[] sheets)
    {
        var sheetStreams = sheets.Select(s => Sheet(s.Rows)).ToList();
        var globals = new MemoryStream();
        Record(globals, 0x0809, Bof(0x0005));
        Record(globals, 0x0042, BitConverter.GetBytes((ushort)1200));
        var boundSheetSizes = sheets.Sum(s => 4 + 8 + (s.Name.Length * 2));
        var offset = (uint)(globals.Length + boundSheetSizes + 4); // + the EOF record
        for (var i = 0; i < sheets.Length; i++)
        {
            var body = new MemoryStream();
            body.Write(BitConverter.GetBytes(offset));
            body.WriteByte(0); // visible
            body.WriteByte(0); // worksheet
            body.WriteByte((byte)sheets[i].Name.Length);
            body.WriteByte(1); // UTF-16
            body.Write(Encoding.Unicode.GetBytes(sheets[i].Name));
            Record(globals, 0x0085, body.ToArray());
            offset += (uint)sheetStreams[i].Length;
        }
        Record(globals, 0x000A, []);
        foreach (var sheet in sheetStreams) globals.Write(sheet);
        return globals.ToArray();
    }

    private static byte[] Sheet(IReadOnlyList<string?[]> rows)
    {
        var stream = new MemoryStream();
        Record(stream, 0x0809, Bof(0x0010));
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                if (rows[r][c] is not { } text) continue;
                var body = new MemoryStream();
                body.Write(BitConverter.GetBytes((ushort)r));
                body.Write(BitConverter.GetBytes((ushort)c));
                body.Write(BitConverter.GetBytes((ushort)0)); // XF
                body.Write(BitConverter.GetBytes((ushort)text.Length));
                body.WriteByte(1); // UTF-16
                body.Write(Encoding.Unicode.GetBytes(text));
                Record(stream, 0x0204, body.ToArray());
            }
        }
        Record(stream, 0x000A, []);
        return stream.ToArray();
    }

    private static byte[] Bof(ushort type)
    {
        var body = new MemoryStream();
        body.Write(BitConverter.GetBytes((ushort)0x0600)); // BIFF8
        body.Write(BitConverter.GetBytes(type));
        body.Write(BitConverter.GetBytes((ushort)0x0DBB));
        body.Write(BitConverter.GetBytes((ushort)0x07CC));
        body.Write(BitConverter.GetBytes(0u));
        body.Write(BitConverter.GetBytes(0x06u));
        return body.ToArray();
    }

    private static void Record(Stream stream, ushort id, byte[] body)
    {
        stream.Write(BitConverter.GetBytes(id));
        stream.Write(BitConverter.GetBytes((ushort)body.Length));
        stream.Write(body);
    }
}
