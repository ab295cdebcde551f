using System.Text.RegularExpressions;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Composition;

/// <summary>A Word table composed into the bulletin: an mj-table in the HTML part, "列名：值" lines in the text part.</summary>
public sealed partial class BulletinTableTests
{
    private static readonly RecipientValues Values = new("尊敬的王局长", "王建国", "wang@example.org", "https://x.example.org/u/T", "https://x.example.org/v/T");

    private static BulletinComposer Composer() => new(
        new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") },
        new MjmlCompilerAdapter());

    private static Issue Imported()
    {
        var result = new BulletinWordImporter().Import(TableBulletin.Document().ToBytes(), "bulletin.docx");
        Assert.Empty(result.Errors);
        return result.Issue!;
    }

    private static IssueVariant Variant => IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn);

    [Fact]
    public void The_html_part_has_a_table_with_a_header_row_and_every_cell_escaped()
    {
        var html = Composer().Compose(Imported(), Variant).Html.Render(Values, htmlEscape: true);

        var table = TableElement().Match(html);
        Assert.True(table.Success, "no <table> holding the header row in the HTML part");
        var headers = HeaderCell().Matches(table.Value).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(TableBulletin.Header, headers);
        var cells = DataCell().Matches(table.Value).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(15, cells.Count);
        Assert.Equal("许继集团有限公司", cells[1]);
        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt; &amp; “引号”", cells[7]);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>特高压换流阀</strong>扩产", cells[2]);
        Assert.Contains("href=\"https://www.xuchang.gov.cn/a?b=1&amp;c=2\"", cells[9]);
        // Typography is inlined (webmails drop <style>): at least 13 px, wrapping anywhere, bordered.
        var td = Regex.Match(table.Value, "<td class=\"nl-td\" style=\"([^\"]*)\"").Groups[1].Value;
        Assert.Contains("font-size:14px", td.Replace(" ", ""), StringComparison.Ordinal);
        Assert.Contains("overflow-wrap:anywhere", td.Replace(" ", ""), StringComparison.Ordinal);
        // The paragraphs around the table stay in the article, in order.
        Assert.True(html.IndexOf("重点工业项目进展如下", StringComparison.Ordinal) < table.Index);
        Assert.True(html.IndexOf("以上数据来自市发展改革委", StringComparison.Ordinal) > table.Index + table.Length);
    }

    [Fact]
    public void The_text_part_gives_each_row_as_column_name_and_value_lines()
    {
        var text = Composer().Compose(Imported(), Variant).Text.Render(Values, htmlEscape: false);

        Assert.Contains("◆序号：1\r\n\u3000企业名称：许继集团有限公司\r\n\u3000项目：特高压换流阀扩产\r\n\u3000投资额（亿元）：12.5\r\n\u3000进展：已投产\r\n\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\u3000项目：" + TableBulletin.Escaped + "\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\u3000进展：详情 (https://www.xuchang.gov.cn/a?b=1&c=2)\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("｜", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_composed_layout_with_a_table_compiles_without_mjml_errors()
    {
        var mjml = Composer().RenderMjml(Imported(), Variant);
        Assert.Contains("<mj-table", mjml, StringComparison.Ordinal);

        var ours = new Newsletter.Mjml.MjmlCompiler().Compile(mjml);

        Assert.False(ours.Rejected);
        Assert.Empty(ours.Errors);
    }

    [Fact]
    [Requires("node-mjml")]
    public void Our_compiler_renders_the_table_exactly_as_mjml_541_does()
    {
        var mjml = Composer().RenderMjml(Imported(), Variant);
        var ours = new Newsletter.Mjml.MjmlCompiler().Compile(mjml);

        using var reference = new MjmlReference();
        var comparison = HtmlComparer.Compare(reference.Render(mjml), ours.Html);
        Assert.True(comparison.Equal, comparison.ToString());
    }

    [GeneratedRegex("<table[^>]*>(?:(?!<table|</table>).)*?<th .*?</table>", RegexOptions.Singleline)]
    private static partial Regex TableElement();

    [GeneratedRegex("<th [^>]*>(.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex HeaderCell();

    [GeneratedRegex("<td class=\"nl-td\"[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex DataCell();
}
