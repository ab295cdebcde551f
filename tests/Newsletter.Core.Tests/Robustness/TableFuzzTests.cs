using System.Text;
using Newsletter.Core.Audience.Import;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Robustness;

/// <summary>
/// Fuzzing of the subscriber-list readers (issue 14): seeded mutations of a generated CSV and of a generated XLSX (its
/// bytes, and its sheet XML re-zipped), plus the XLSX bombs. Every call returns (a deadline), and the only exception
/// is the documented <see cref="TableFormatException"/> with a message naming the file.
/// </summary>
[Slow]
public sealed class TableFuzzTests : IDisposable
{
    private readonly TempDirectory _dir = new("table-fuzz");

    public void Dispose() => _dir.Dispose();

    private static readonly string[][] List =
    [
        ["姓名", "邮箱", "单位", "职务", "类别", "区县", "行业"],
        ["李娜", "lina@example.org", "许昌远东传动轴股份有限公司", "总经理", "重点企业", "禹州市", "装备制造"],
        ["王建国", "wang@example.org", "许昌市科技局", "局长", "市级领导", "魏都区", ""],
        ["张伟", "zhang@example.org", "河南黄河旋风股份有限公司, 研发部", "主任", "重点企业", "长葛市", "新材料、智能装备"],
        ["\"引号\"", "=cmd@example.org", "", "", "县级领导", "鄢陵县", ""],
    ];

    /// <summary>Reads the whole file as the importer does; returns the rows or the documented error.</summary>
    private static string Read(string path, bool xlsx) => Fuzz.Call(path, File.ReadAllBytes(path), _ =>
    {
        try
        {
            var rows = xlsx ? XlsxTableReader.Read(path) : CsvTableReader.Read(path, CsvTableReader.DetectEncoding(path, null));
            return $"{rows.Count()} rows";
        }
        catch (TableFormatException e)
        {
            Assert.Contains(Path.GetFileName(path), e.Message);
            return e.Message;
        }
    });

    [Fact]
    public void Mutated_csv_never_throws_or_hangs()
    {
        var csv = string.Join("\r\n", List.Select(r => string.Join(',', r.Select(c => c.Contains(',') || c.Contains('"') ? $"\"{c.Replace("\"", "\"\"")}\"" : c))));
        var random = new Random(1404);
        var path = _dir.File("list.csv");
        for (var i = 0; i < 300; i++)
        {
            var text = Fuzz.Mutate(csv, random);
            File.WriteAllBytes(path, i % 3 == 0 ? Encoding.GetEncoding("GB18030", EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback).GetBytes(text) : Encoding.UTF8.GetBytes(text));
            Read(path, xlsx: false);
        }
    }

    static TableFuzzTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Mutated_xlsx_bytes_never_throw_or_hang()
    {
        var path = _dir.File("list.xlsx");
        XlsxFiles.Write(path, XlsxFiles.Rows(List));
        var original = File.ReadAllBytes(path);
        Assert.Equal("5 rows", Read(path, xlsx: true));
        var random = new Random(1405);
        for (var i = 0; i < 300; i++)
        {
            File.WriteAllBytes(path, Fuzz.Mutate(original, random));
            Read(path, xlsx: true);
        }
    }

    [Fact]
    public void Mutated_xlsx_xml_never_throws_or_hangs()
    {
        var sheet = XlsxFiles.Rows(List.Take(2)) + """<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c><c r="C3"><v>13800138000</v></c><c r="D3" t="b"><v>1</v></c></row>""";
        const string strings = """<si><t>王芳</t></si><si><r><t>fang</t></r><r><t xml:space="preserve">@example.org </t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>""";
        var path = _dir.File("xml.xlsx");
        var random = new Random(1406);
        for (var i = 0; i < 300; i++)
        {
            XlsxFiles.Write(path, i % 2 == 0 ? Fuzz.Mutate(sheet, random) : sheet, i % 2 == 1 ? Fuzz.Mutate(strings, random) : strings);
            Read(path, xlsx: true);
        }
    }

    [Fact]
    public void The_bombs_and_a_dtd_are_the_documented_error()
    {
        var bomb = _dir.File("bomb.xlsx");
        XlsxFiles.SharedStringBomb(bomb);
        Assert.Contains("compressed", Read(bomb, xlsx: true));

        var rows = _dir.File("rows.xlsx");
        XlsxFiles.RowJumpBomb(rows);
        Assert.Contains("100000000", Read(rows, xlsx: true));

        var dtd = _dir.File("dtd.xlsx");
        XlsxFiles.WithDtd(dtd);
        Assert.Contains("DTD", Read(dtd, xlsx: true));
    }
}
