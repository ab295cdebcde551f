using Newsletter.Core.Audience.Import;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Audience.Import;

/// <summary>The .xlsx reader on real workbooks and on the hostile ones of issue 14.</summary>
public sealed class XlsxTableReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new("xlsx-reader");

    public void Dispose() => _dir.Dispose();

    private string Path(string name) => _dir.File(name);

    private static string Error(string path) =>
        Assert.Throws<TableFormatException>(() => XlsxTableReader.Read(path).ToList()).Message;

    [Fact]
    public void Reads_shared_inline_rich_numeric_boolean_and_formula_cells_by_row_number()
    {
        var path = Path("list.xlsx");
        XlsxFiles.Write(path,
            """
            <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="D2" t="inlineStr"><is><r><t>类</t></r><r><t xml:space="preserve">别 </t></r></is></c></row>
            <row r="4" spans="1:4"><c r="A4" t="s" s="3"><v>2</v></c><c r="B4"><v>13800138000</v></c><c r="C4" t="b"><v>1</v></c><c r="D4" t="str"><f>A4&amp;""</f><v>重点企业</v></c><c r="XFD4" s="1"/></row>
            <row><c><v>0.5</v></c><c t="e"><v>#N/A</v></c></row>
            """,
            """<si><t>姓名</t></si><si><t>邮箱</t></si><si><r><t>李</t></r><r><t>娜</t></r><rPh sb="0" eb="1"><t>li</t></rPh></si>""");
        var rows = XlsxTableReader.Read(path).ToList();
        Assert.Equal([2, 4, 5], rows.Select(r => r.Line));
        Assert.Equal(["姓名", "邮箱", "", "类别 "], rows[0].Cells);
        Assert.Equal(["李娜", "13800138000", "TRUE", "重点企业"], rows[1].Cells);
        Assert.Equal(["0.5"], rows[2].Cells);
    }

    [Fact]
    public void A_shared_string_bomb_is_refused_by_its_compression_ratio_before_any_xml_is_read()
    {
        var path = Path("bomb.xlsx");
        XlsxFiles.SharedStringBomb(path);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var message = Error(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("compressed", message);
        Assert.Contains("xl/sharedStrings.xml", message);
        // The part unpacks to ~60 MB of XML (~1 million strings); refusing it must not read it.
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    [Slow]
    public void A_shared_string_table_beyond_its_entry_limit_is_refused_without_holding_it()
    {
        // Varied texts compress like a real table (under the ratio limit), so the entry count is what stops it.
        var path = Path("many-strings.xlsx");
        XlsxFiles.Write(path, w => w.Write("""<row r="1"><c r="A1" t="s"><v>0</v></c></row>"""), w =>
        {
            var random = new Random(14);
            for (var i = 0; i <= InputLimits.MaxXlsxSharedStrings; i++) w.Write($"<si><t>{random.Next():x8}</t></si>");
        });
        var before = GC.GetAllocatedBytesForCurrentThread();
        var message = Error(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("more than 1,048,576 distinct texts", message);
        Assert.True(allocated < 512L * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_row_numbered_beyond_excels_limit_is_one_error_not_a_hundred_million_rows()
    {
        var path = Path("rows.xlsx");
        XlsxFiles.RowJumpBomb(path);
        Assert.True(new FileInfo(path).Length < 4096);
        var rows = new List<TableRow>();
        var e = Assert.Throws<TableFormatException>(() => { foreach (var row in XlsxTableReader.Read(path)) rows.Add(row); });
        Assert.Contains("row numbered 100000000", e.Message);
        Assert.Contains("1,048,576", e.Message);
        Assert.Single(rows); // the header, and nothing invented for the gap
    }

    [Fact]
    public void The_last_row_excel_has_is_read_and_rows_out_of_order_are_refused()
    {
        var path = Path("last.xlsx");
        XlsxFiles.Write(path, """<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>""");
        Assert.Equal([1, 1_048_576], XlsxTableReader.Read(path).Select(r => r.Line));

        XlsxFiles.Write(path, """<row r="5"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row>""");
        Assert.Contains("row 3 comes after row 5", Error(path));
    }

    [Fact]
    public void Values_beyond_the_column_cap_and_cells_beyond_excels_last_column_are_errors()
    {
        var path = Path("wide.xlsx");
        XlsxFiles.Write(path, """<row r="1"><c r="A1"><v>1</v></c><c r="IW1"><v>2</v></c></row>""");
        Assert.Contains("value in column IW", Error(path));

        XlsxFiles.Write(path, """<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>""");
        Assert.Contains("beyond Excel's last column", Error(path));
    }

    [Fact]
    public void A_workbook_with_a_dtd_is_a_clear_error()
    {
        var path = Path("dtd.xlsx");
        XlsxFiles.WithDtd(path);
        var message = Error(path);
        Assert.Contains("contains a DTD", message);
        Assert.Contains("xl/workbook.xml", message);
    }

    [Fact]
    public void A_part_that_inflates_beyond_its_declared_size_is_cut_off()
    {
        var path = Path("lying.xlsx");
        XlsxFiles.Write(path, XlsxFiles.Rows(Enumerable.Range(0, 2000).Select(i => new[] { $"name{i}", $"u{i}@example.org" })));
        // Declare a 1,000-byte sheet in the central directory: the ratio check then sees nothing unusual.
        var bytes = File.ReadAllBytes(path);
        var name = System.Text.Encoding.ASCII.GetBytes("xl/worksheets/sheet1.xml");
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02
                && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24, 4), 1000u);
            }
        }
        File.WriteAllBytes(path, bytes);
        var message = Error(path);
        Assert.Contains("lying.xlsx is damaged: xl/worksheets/sheet1.xml", message);
    }

    [Fact]
    public void Not_a_workbook_or_a_broken_zip_is_a_clear_error()
    {
        var path = Path("fake.xlsx");
        File.WriteAllText(path, "姓名,邮箱\n");
        Assert.Contains("not a readable Excel workbook", Error(path));
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);
        Assert.Contains("not a readable Excel workbook", Error(path));
    }
}
