using Newsletter.Core.Issues;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Issues;

/// <summary>Tables in an issue: from Word, to Markdown pipe tables and back, and the parser's errors for broken ones.</summary>
public sealed class IssueTableTests
{
    private static BulletinImportResult Import(DocxBuilder document) => new BulletinWordImporter().Import(document.ToBytes(), "bulletin.docx");

    private static IssueParseResult Parse(string markdown) => new IssueParser().Parse(markdown, "issue.md");

    private const string Front = "---\ntitle: 许昌竞争情报快递\naudiences: [municipal]\nsample: true\n---\n\n## 行业动态\n\n### 重点项目进展一览表\n\n";

    [Fact]
    public void A_word_table_in_an_article_becomes_a_table_block_with_its_first_row_as_header_and_formatting_kept()
    {
        var result = Import(TableBulletin.Document());

        Assert.Empty(result.Errors);
        var article = result.Issue!.Articles.Single();
        Assert.Equal(["据市发展改革委统计，重点工业项目进展如下：", "以上数据来自市发展改革委。"], article.Paragraphs.Select(p => p.Text));
        var table = Assert.IsType<Table>(article.Blocks[1]);
        Assert.Equal(TableBulletin.Header, table.Header.Select(c => c.Text));
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal("<strong>特高压换流阀</strong>扩产", table.Rows[0][2].Html);
        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt; &amp; “引号”", table.Rows[1][2].Html);
        Assert.Equal(TableBulletin.Escaped, table.Rows[1][2].Text);
        Assert.Equal("<a href=\"https://www.xuchang.gov.cn/a?b=1&amp;c=2\">详情</a>", table.Rows[1][4].Html);
        var decision = Assert.Single(result.Decisions, d => d.Kind == ImportDecisionKind.Table);
        Assert.Equal(table.Line, decision.Line);
        Assert.Contains("4 rows × 5 columns", decision.Text);
        Assert.Empty(result.Unsure);
        Assert.Contains("| 序号 | 企业名称 | 项目 | 投资额（亿元） | 进展 |", result.Markdown);
    }

    [Fact]
    public void Without_heading_styles_the_table_is_still_a_table_inside_its_article()
    {
        var result = Import(new DocxBuilder().Paragraph("●财经数据").Paragraph("八月份许昌市主要经济指标一览表")
            .Paragraph("数据如下：")
            .Table(["指标", "数值", "同比"], ["规上工业增加值", "5.2%", "+0.3"], ["社会消费品零售总额", "136亿元", "+4.1%"])
            .Paragraph("以上数据来自市统计局。"));

        Assert.Empty(result.Errors);
        var article = result.Issue!.Articles.Single();
        Assert.Equal([typeof(Paragraph), typeof(Table), typeof(Paragraph)], article.Blocks.Select(b => b.GetType()));
        var table = (Table)article.Blocks[1];
        Assert.Equal(4, table.Line);
        Assert.Equal(["社会消费品零售总额", "136亿元", "+4.1%"], table.Rows[1].Select(c => c.Text));
    }

    [Fact]
    public void A_one_column_box_or_a_table_outside_an_article_stays_paragraphs_and_is_flagged()
    {
        var result = Import(new DocxBuilder().Heading(1, "编者的话")
            .Table(["指标", "数值"], ["规上工业增加值", "5.2%"])
            .Heading(1, "行业动态").Heading(2, "赣州高新区永磁电机产业")
            .Table(["本文为内部资料"], ["注意保存"])
            .Paragraph("正文。"));

        Assert.Empty(result.Errors);
        Assert.Equal(["指标 ｜ 数值", "规上工业增加值 ｜ 5.2%"], result.Issue!.Sections[0].Paragraphs.Select(p => p.Text));
        Assert.Equal(["本文为内部资料", "注意保存", "正文。"], result.Issue.Articles.Single().Paragraphs.Select(p => p.Text));
        Assert.Equal([2, 6], result.Unsure.Select(d => d.Line));
        Assert.Contains("outside an article", result.Unsure.First().Doubt);
        Assert.Contains("2 rows × 1 columns", result.Unsure.Last().Doubt);
    }

    [Fact]
    public void Merged_cells_are_padded_so_every_row_is_as_wide_as_the_widest()
    {
        var result = Import(new DocxBuilder().Heading(1, "行业动态").Heading(2, "赣州高新区永磁电机产业")
            .Table(["地区", "项目", "金额"], ["合计"], ["长葛市", "新材料", "3亿元"]));

        var table = Assert.IsType<Table>(result.Issue!.Articles.Single().Blocks.Single());
        Assert.Equal(["合计", "", ""], table.Rows[0].Select(c => c.Text));
        Assert.Empty(Parse(result.Markdown!).Errors);
    }

    [Fact]
    public void The_markdown_of_a_word_table_parses_back_to_the_same_issue()
    {
        var result = Import(TableBulletin.Document());

        var parsed = Parse(result.Markdown!);

        Assert.Empty(parsed.Errors);
        var direct = result.Issue!.Articles.Single().Blocks.OfType<Table>().Single();
        var back = parsed.Issue!.Articles.Single().Blocks.OfType<Table>().Single();
        Assert.Equal(direct.Header, back.Header);
        Assert.Equal(direct.Rows.Count, back.Rows.Count);
        for (var r = 0; r < direct.Rows.Count; r++)
        {
            Assert.Equal(direct.Rows[r], back.Rows[r]);
        }
    }

    [Fact]
    public void Pipes_backslashes_and_markdown_characters_in_cells_survive_writing_and_parsing()
    {
        var cells = new[] { "a | b", @"C:\报表\2024", "**不是粗体**", "- 不是列表", "1. 不是编号", "" };
        var table = new Table([new("名称", "名称"), new("值", "值")],
            [.. cells.Select(c => (IReadOnlyList<TableCell>)[new TableCell(c, InlineText.Encode(c)), new TableCell("x|y", "<a href=\"https://e.example.org/q?a=1|2\">x|y</a>")])], 9);
        var issue = Parse(Front + "正文。\n").Issue!;
        var article = issue.Articles.Single() with { Blocks = [new Paragraph("正文。", "正文。", 9), table] };
        issue = issue with { Sections = [issue.Sections[0] with { Articles = [article] }] };

        var parsed = Parse(IssueMarkdownWriter.Write(issue));

        Assert.Empty(parsed.Errors);
        var back = parsed.Issue!.Articles.Single().Blocks.OfType<Table>().Single();
        Assert.Equal(cells, back.Rows.Select(r => r[0].Text));
        Assert.All(back.Rows, r => Assert.Equal("<a href=\"https://e.example.org/q?a=1%7C2\">x|y</a>", r[1].Html));
    }

    [Fact]
    public void A_pipe_table_in_an_article_is_read_with_inline_formatting()
    {
        var issue = Parse(Front + "| 企业 | 金额 |\n| --- | ---: |\n| **许继** | [12亿](https://e.example.org) |\n| 瑞贝卡 |  |\n").Issue!;

        var table = Assert.IsType<Table>(issue.Articles.Single().Blocks.Single());
        Assert.Equal(11, table.Line);
        Assert.Equal(["企业", "金额"], table.Header.Select(c => c.Text));
        Assert.Equal("<strong>许继</strong>", table.Rows[0][0].Html);
        Assert.Equal("12亿 (https://e.example.org)", table.Rows[0][1].Text);
        Assert.Equal(TableCell.Empty, table.Rows[1][1]);
    }

    [Fact]
    public void A_ragged_row_is_an_error_at_its_own_line_and_no_issue_is_built()
    {
        var result = Parse(Front + "| 企业 | 金额 |\n| --- | --- |\n| 许继 | 12亿 |\n| 瑞贝卡 |\n| 森源 | 3亿 | 多余 |\n");

        Assert.Null(result.Issue);
        Assert.Equal([14, 15], result.Errors.Select(e => e.Line));
        Assert.Contains("1 cells but the header has 2", result.Errors[0].Message);
        Assert.Contains("3 cells but the header has 2", result.Errors[1].Message);
        Assert.Contains("give every row 2 cells", result.Errors[0].Hint);
    }

    [Fact]
    public void A_table_outside_an_article_is_an_error()
    {
        var result = Parse("---\ntitle: 许昌竞争情报快递\naudiences: [municipal]\n---\n\n## 编者的话\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(8, error.Line);
        Assert.Contains("inside an article", error.Message);
    }

    [Fact]
    public void An_article_holding_only_a_table_is_valid()
    {
        var issue = Parse(Front + "| 企业 | 金额 |\n| --- | --- |\n| 许继 | 12亿 |\n").Issue!;

        Assert.DoesNotContain(new IssueValidator().Check(issue), e => e.Message.Contains("no paragraphs", StringComparison.Ordinal));
    }
}
