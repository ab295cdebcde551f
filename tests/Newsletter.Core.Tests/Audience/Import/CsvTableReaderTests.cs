using System.Text;
using Newsletter.Core.Audience.Import;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Audience.Import;

public sealed class CsvTableReaderTests
{
    static CsvTableReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static List<TableRow> Parse(string text) => CsvTableReader.Read(new StringReader(text)).ToList();

    [Fact]
    public void Quoted_fields_with_separators_quotes_and_line_breaks()
    {
        var rows = Parse("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["x,1", "say \"hi\"", "two\nlines"], rows[1].Cells);
        Assert.Equal(["last", "", ""], rows[2].Cells);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(4, rows[2].Line);
    }

    [Fact]
    public void Mixed_line_endings_count_lines()
    {
        var rows = Parse("h1,h2\r\na,b\nc,d\re,f\r\n");
        Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Line));
        Assert.Equal(["e", "f"], rows[3].Cells);
    }

    [Fact]
    public void Tab_separated_when_the_header_uses_tabs()
    {
        var rows = Parse("姓名\t邮箱\t单位\n王建国\twang@example.org\t许昌市, 科技局\n");
        Assert.Equal(["王建国", "wang@example.org", "许昌市, 科技局"], rows[1].Cells);
    }

    [Fact]
    public void Unterminated_quote_is_reported_on_its_row()
    {
        var rows = Parse("a,b\n1,\"open\n2,3\n");
        Assert.Equal(2, rows.Count);
        Assert.Contains("line 2", rows[1].Problem);
    }

    [Fact]
    [Slow]
    public void Huge_fields_are_cut_not_kept_whole()
    {
        var rows = Parse("a\n" + new string('x', 10 * 1024 * 1024) + "\n");
        Assert.Equal(CsvTableReader.MaxCellChars + 1, rows[1].Cells[0].Length);
        Assert.Null(rows[1].Problem); // validation rejects the cut cell, naming its column
    }

    [Fact]
    public void Detects_utf8_with_and_without_bom_and_gbk()
    {
        using var dir = new TempDirectory();
        var text = "姓名,邮箱\n王建国,wang@example.org\n";
        File.WriteAllBytes(dir.File("plain.csv"), Encoding.UTF8.GetBytes(text));
        File.WriteAllBytes(dir.File("bom.csv"), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        File.WriteAllBytes(dir.File("gbk.csv"), Encoding.GetEncoding("GBK").GetBytes(text));

        foreach (var (file, web) in new[] { ("plain.csv", "utf-8"), ("bom.csv", "utf-8"), ("gbk.csv", "gb18030") })
        {
            var encoding = CsvTableReader.DetectEncoding(dir.File(file), null);
            Assert.Equal(web, encoding.WebName);
            var rows = CsvTableReader.Read(dir.File(file), encoding).ToList();
            Assert.Equal(["姓名", "邮箱"], rows[0].Cells);
            Assert.Equal("王建国", rows[1].Cells[0]);
        }
    }

    [Fact]
    public void Unknown_requested_encoding_is_a_format_error() =>
        Assert.Throws<TableFormatException>(() => CsvTableReader.DetectEncoding("x.csv", "latin9"));

    [Fact]
    public void Csv_text_neutralises_formulas_and_quotes()
    {
        Assert.Equal("\"'=HYPERLINK(\"\"http://x.test\"\")\"", CsvText.Line(["=HYPERLINK(\"http://x.test\")"]));
        Assert.Equal("'+1,'-2,'@x,plain,\"a,b\"", CsvText.Line(["+1", "-2", "@x", "plain", "a,b"]));
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_a_rejected_row()
    {
        var rows = Parse("姓名,邮箱\n李娜," + string.Concat(Enumerable.Repeat(new string('x', 64_000) + ",", 17)) + "\n王芳,wang@example.org\n");
        Assert.Equal("the line is longer than 1,048,576 characters", rows[1].Problem);
        Assert.Null(rows[2].Problem);
        Assert.Equal(3, rows[2].Line);
    }

    [Fact]
    [Slow]
    public void Rows_beyond_excels_limit_and_fields_beyond_the_column_cap_are_errors()
    {
        var rows = new StringReader(string.Concat(Enumerable.Repeat("a\n", InputLimits.MaxTableRows + 1)));
        var e = Assert.Throws<TableFormatException>(() => CsvTableReader.Read(rows).Count());
        Assert.Equal("line 1,048,577: the file has more than 1,048,576 lines (Excel's limit); split it into several files", e.Message);
        Assert.Equal(InputLimits.MaxTableRows, CsvTableReader.Read(new StringReader(string.Concat(Enumerable.Repeat("a\n", InputLimits.MaxTableRows)))).Count());

        var wide = Assert.Throws<TableFormatException>(() => Parse("a,b\n" + new string(',', 300) + "\n"));
        Assert.Equal("line 2 has more than 256 fields; a subscriber list has a dozen columns — check the separator", wide.Message);
    }
}
