using System.IO.Compression;
using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// Writes .xlsx workbooks part by part (a zip of XML, as Excel does), so tests can build the hostile ones an
/// ordinary writer refuses: decompression bombs, row jumps, DTDs.
/// </summary>
public static class XlsxFiles
{
    public const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>A workbook whose first sheet is <paramref name="sheetData"/> (the inside of <c>&lt;sheetData&gt;</c>).</summary>
    public static void Write(string path, string sheetData, string? sharedStrings = null, string? workbookPrologue = null) =>
        Write(path, writer => writer.Write(sheetData), sharedStrings is null ? null : writer => writer.Write(sharedStrings), workbookPrologue);

    /// <summary>
    /// A workbook whose sheet data and shared strings (the inside of <c>&lt;sst&gt;</c>) are streamed by the callbacks, so a
    /// part of hundreds of megabytes never sits in memory.
    /// </summary>
    public static void Write(string path, Action<TextWriter> sheetData, Action<TextWriter>? sharedStrings = null, string? workbookPrologue = null)
    {
        File.Delete(path);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        Part(archive, "[Content_Types].xml", w => w.Write(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""));
        Part(archive, "_rels/.rels", w => w.Write(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""));
        Part(archive, "xl/workbook.xml", w => w.Write(
            $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{workbookPrologue}<workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"""));
        Part(archive, "xl/_rels/workbook.xml.rels", w => w.Write(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""));
        Part(archive, "xl/worksheets/sheet1.xml", w =>
        {
            w.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{Main}"><sheetData>""");
            sheetData(w);
            w.Write("</sheetData></worksheet>");
        });
        if (sharedStrings is not null)
        {
            Part(archive, "xl/sharedStrings.xml", w =>
            {
                w.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{Main}">""");
                sharedStrings(w);
                w.Write("</sst>");
            });
        }
    }

    /// <summary>Rows of inline-string cells, row numbers from 1.</summary>
    public static string Rows(IEnumerable<string[]> rows)
    {
        var xml = new StringBuilder();
        var r = 0;
        foreach (var row in rows)
        {
            r++;
            xml.Append($"<row r=\"{r}\">");
            for (var c = 0; c < row.Length; c++)
            {
                xml.Append($"<c r=\"{(char)('A' + c)}{r}\" t=\"inlineStr\"><is><t>{System.Security.SecurityElement.Escape(row[c])}</t></is></c>");
            }
            xml.Append("</row>");
        }
        return xml.ToString();
    }

    /// <summary>
    /// The shared-string bomb: a table of <paramref name="entries"/> copies of one text, which deflate shrinks ~1000 times
    /// (the attack of issue 14 took a server from 136 MB to 1.33 GB with a 594 KB file).
    /// </summary>
    public static void SharedStringBomb(string path, int entries = 1_000_000) =>
        Write(path, w => w.Write("""<row r="1"><c r="A1" t="s"><v>0</v></c></row>"""), w =>
        {
            for (var i = 0; i < entries; i++) w.Write("<si><t>许昌竞争情报快递许昌竞争情报快递</t></si>");
        });

    /// <summary>The row-jump bomb: a tiny sheet whose second row claims to be row 100,000,000 (12–23 s of CPU before the fix).</summary>
    public static void RowJumpBomb(string path) =>
        Write(path, """<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>邮箱</t></is></c></row><row r="100000000"><c r="A100000000" t="inlineStr"><is><t>x</t></is></c></row>""");

    /// <summary>A workbook whose workbook part carries a DTD with an internal entity (an XML bomb's first step).</summary>
    public static void WithDtd(string path) =>
        Write(path, Rows([["姓名", "邮箱", "类别"], ["李娜", "lina@example.org", "重点企业"]]),
            workbookPrologue: """<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>""");

    private static void Part(ZipArchive archive, string name, Action<TextWriter> write)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false), 1 << 16);
        write(writer);
    }
}
