using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

public sealed class IssueParserTests
{
    private static IssueParseResult Parse(string markdown, string path = "issue.md") => new IssueParser().Parse(markdown, path);

    private static Issue ParseClean(string markdown)
    {
        var result = Parse(markdown);
        Assert.Empty(result.Errors);
        return Assert.IsType<Issue>(result.Issue);
    }

    private const string Full = """
        ---
        title: 许昌竞争情报快递
        number: 2024年第8期
        date: 2024-08-15
        publisher: 许昌市科学技术情报研究所
        audiences:
          - municipal
          - 县级领导
        subject: 本期要目
        preheader: 永磁电机产业创新发展
        ---

        ## 编者的话

        第一段。

        ## 行业动态
        <!-- audiences: county, enterprise -->

        ### 产业“聚链成群”
        <!-- industries: 新材料, 智能装备 -->

        正文第一段，
        接着写。

        #### 引进科研平台

        正文第二段。
        """;

    [Fact]
    public void Front_matter_fills_the_metadata()
    {
        var metadata = ParseClean(Full).Metadata;

        Assert.Equal("许昌竞争情报快递", metadata.Title);
        Assert.Equal("2024年第8期", metadata.Number);
        Assert.Equal(new DateOnly(2024, 8, 15), metadata.Date);
        Assert.Equal("许昌市科学技术情报研究所", metadata.Publisher);
        Assert.Equal(["municipal", "县级领导"], metadata.Audiences);
        Assert.Equal("本期要目", metadata.Subject);
        Assert.Equal("永磁电机产业创新发展", metadata.Preheader);
        Assert.False(metadata.IsSample);
    }

    [Fact]
    public void Front_matter_lines_are_the_file_lines()
    {
        var lines = ParseClean(Full).Metadata.Lines;

        Assert.Equal(2, lines.Of("title"));
        Assert.Equal(6, lines.Of("audiences"));
        Assert.Equal([7, 8], lines.Audiences);
        Assert.Equal(10, lines.Of("preheader"));
    }

    [Fact]
    public void Body_builds_sections_articles_subheadings_and_paragraphs_with_lines()
    {
        var issue = ParseClean(Full);

        Assert.Equal(["编者的话", "行业动态"], issue.Sections.Select(s => s.Title));
        Assert.Equal(13, issue.Sections[0].Line);
        Assert.Equal(("第一段。", 15), (issue.Sections[0].Paragraphs[0].Text, issue.Sections[0].Paragraphs[0].Line));

        var news = issue.Sections[1];
        Assert.Equal(["county", "enterprise"], news.Audiences);
        Assert.Equal(18, news.AudiencesLine);
        var article = Assert.Single(news.Articles);
        Assert.Equal(("产业“聚链成群”", 20), (article.Title, article.Line));
        Assert.Equal(["新材料", "智能装备"], article.Industries);
        Assert.Equal(21, article.IndustriesLine);
        Assert.Collection(article.Blocks,
            b => Assert.Equal(new Paragraph("正文第一段，接着写。", "正文第一段，接着写。", 23), b),
            b => Assert.Equal(new Subheading("引进科研平台", 26), b),
            b => Assert.Equal(new Paragraph("正文第二段。", "正文第二段。", 28), b));
    }

    [Fact]
    public void Sections_without_a_directive_go_to_every_audience()
    {
        var issue = ParseClean(Full);

        Assert.Empty(issue.Sections[0].Audiences);
        Assert.Null(issue.Sections[0].AudiencesLine);
    }

    [Fact]
    public void Subject_defaults_to_the_title_and_number()
    {
        var issue = ParseClean(Full.Replace("subject: 本期要目\n", ""));

        Assert.Null(issue.Metadata.Subject);
        Assert.Equal("《许昌竞争情报快递》2024年第8期", issue.Subject);
    }

    [Fact]
    public void Subject_defaults_to_the_title_without_a_number()
    {
        var issue = ParseClean("---\naudiences: [municipal]\nsample: true\n---\n## 编者的话\n\n正文。\n");

        Assert.Equal("许昌竞争情报快递", issue.Metadata.Title);
        Assert.Equal("许昌竞争情报快递", issue.Subject);
        Assert.True(issue.Metadata.IsSample);
        Assert.Null(issue.Metadata.Date);
    }

    [Theory]
    [InlineData("audiences: municipal, county", new[] { "municipal", "county" })]
    [InlineData("audiences: 市级领导、县级领导、重点企业", new[] { "市级领导", "县级领导", "重点企业" })]
    [InlineData("audiences: [enterprise]", new[] { "enterprise" })]
    public void Audiences_may_be_written_on_one_line(string line, string[] expected)
    {
        var issue = ParseClean($"---\n{line}\n---\n## 编者的话\n\n正文。\n");

        Assert.Equal(expected, issue.Metadata.Audiences);
        Assert.All(issue.Metadata.Lines.Audiences, l => Assert.Equal(2, l));
    }

    [Theory]
    [InlineData("2024年8月15日")]
    [InlineData("2024/8/15")]
    [InlineData("\"2024-08-15\"")]
    public void Dates_are_read_in_common_forms(string written)
    {
        var issue = ParseClean($"---\ndate: {written}\naudiences: [county]\n---\n## 编者的话\n\n正文。\n");

        Assert.Equal(new DateOnly(2024, 8, 15), issue.Metadata.Date);
    }

    [Fact]
    public void Inline_markdown_becomes_safe_html_and_plain_text()
    {
        var issue = ParseClean("---\naudiences: [county]\n---\n## 编者的话\n\n**重点**与*提示*，见[官网](https://example.org/a?b=1&c=2)。x < y & z\n");

        var paragraph = issue.Sections[0].Paragraphs[0];
        Assert.Equal("重点与提示，见官网 (https://example.org/a?b=1&c=2)。x < y & z", paragraph.Text);
        Assert.Equal("<strong>重点</strong>与<em>提示</em>，见<a href=\"https://example.org/a?b=1&amp;c=2\">官网</a>。x &lt; y &amp; z", paragraph.Html);
    }

    [Fact]
    public void Emphasis_around_chinese_quotes_works()
    {
        var issue = ParseClean("---\naudiences: [county]\n---\n## 编者的话\n\n产业**“聚链成群”**企业*“众木成林”*。\n");

        Assert.Equal("产业<strong>“聚链成群”</strong>企业<em>“众木成林”</em>。", issue.Sections[0].Paragraphs[0].Html);
    }

    [Fact]
    public void Raw_html_and_unsafe_links_are_errors_at_their_line()
    {
        var result = Parse("---\naudiences: [county]\n---\n## 编者的话\n\n见[这里](javascript:alert(1))。\n\n<b>粗体</b>文字。\n\n![图](https://example.org/a.png)\n");

        Assert.Null(result.Issue);
        Assert.Collection(result.Errors,
            e => Assert.Equal((6, true), (e.Line, e.Message.Contains("javascript:"))),
            e => Assert.Equal((8, true), (e.Line, e.Message.Contains("raw HTML"))),
            e => Assert.Equal((10, true), (e.Line, e.Message.Contains("image"))));
    }

    [Fact]
    public void Soft_line_breaks_join_without_a_space_between_chinese_and_with_one_between_words()
    {
        var issue = ParseClean("---\naudiences: [county]\n---\n## 编者的话\n\n中文第一行\n中文第二行 with\nEnglish words\n");

        Assert.Equal("中文第一行中文第二行 with English words", issue.Sections[0].Paragraphs[0].Text);
    }

    [Fact]
    public void An_article_heading_before_any_section_is_an_error_with_its_line()
    {
        var result = Parse("---\naudiences: [county]\n---\n\n### 没有栏目的文章\n\n正文。\n\n## 行业动态\n");

        Assert.Null(result.Issue);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("issue.md", 5), (error.File, error.Line));
        Assert.Contains("before any section", error.Message);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void A_subheading_outside_an_article_is_an_error()
    {
        var result = Parse("---\naudiences: [county]\n---\n## 编者的话\n\n#### 小标题\n\n正文。\n");

        Assert.Equal(6, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Level_one_and_deep_headings_are_errors()
    {
        var result = Parse("# 标题\n## 栏目\n### 文章\n##### 太深\n正文。\n");

        Assert.Equal([1, 4], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Text_before_the_first_section_is_an_error()
    {
        var result = Parse("---\naudiences: [county]\n---\n\n开头的文字。\n\n## 编者的话\n\n正文。\n");

        Assert.Equal(5, Assert.Single(result.Errors).Line);
    }

    [Theory]
    [InlineData("- 列表项\n- 另一项\n", "lists")]
    [InlineData("> 引用\n", "quotes")]
    [InlineData("```\ncode\n```\n", "code blocks")]
    [InlineData("<div>html</div>\n", "raw HTML")]
    public void Unsupported_blocks_are_errors_at_their_line(string block, string what)
    {
        var result = Parse("---\naudiences: [county]\n---\n## 编者的话\n\n" + block);

        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Contains(what, error.Message);
    }

    [Fact]
    public void Misplaced_directives_are_errors_and_ordinary_comments_are_ignored()
    {
        var result = Parse("---\naudiences: [county]\n---\n## 编者的话\n<!-- industries: 新材料 -->\n\n正文。\n\n<!-- 这是给编辑的备注 -->\n\n<!-- audiences: county -->\n");

        Assert.Equal([5, 11], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Missing_front_matter_gives_defaults_and_no_audiences()
    {
        var issue = ParseClean("## 编者的话\n\n正文。\n");

        Assert.Equal("许昌竞争情报快递", issue.Metadata.Title);
        Assert.Empty(issue.Metadata.Audiences);
        Assert.Equal(1, issue.Sections[0].Line);
    }

    [Fact]
    public void An_unclosed_front_matter_is_an_error_at_line_one()
    {
        var result = Parse("---\ntitle: x\n## 编者的话\n\n正文。\n");

        Assert.Null(result.Issue);
        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("never closed", error.Message);
    }

    [Fact]
    public void Invalid_yaml_is_an_error_at_its_file_line()
    {
        var result = Parse("---\ntitle: x\naudiences: [county\nsample: true\n---\n## 编者的话\n\n正文。\n");

        Assert.Null(result.Issue);
        var error = Assert.Single(result.Errors);
        Assert.InRange(error.Line, 1, 5);
        Assert.Contains("YAML", error.Message);
    }

    [Fact]
    public void A_yaml_syntax_error_points_at_its_line()
    {
        var result = Parse("---\ntitle: x\nsubject: a: b\naudiences: [county]\n---\n## 编者的话\n\n正文。\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.DoesNotContain("Idx:", error.Message);
    }

    [Theory]
    [InlineData("date: 下周一", 2, "not a date")]
    [InlineData("sample: maybe", 2, "true or false")]
    [InlineData("title: [a, b]", 2, "single value")]
    [InlineData("audiences: {a: b}", 2, "list of segment")]
    public void Bad_front_matter_values_are_errors_at_their_line(string line, int expectedLine, string message)
    {
        var result = Parse($"---\n{line}\n---\n## 编者的话\n\n正文。\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(expectedLine, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_key_written_twice_is_an_error_at_the_second()
    {
        var result = Parse("---\ntitle: a\naudiences: [county]\ntitle: b\n---\n## 编者的话\n\n正文。\n");

        Assert.Equal(4, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Errors_come_in_line_order_and_print_as_file_line_message_hint()
    {
        var result = Parse("---\ndate: x\n---\n### a\n", "dir/issue.md");

        Assert.Equal([2, 4], result.Errors.Select(e => e.Line));
        var text = result.Errors[0].ToString();
        Assert.StartsWith("dir/issue.md:2: 'x' is not a date — ", text);
    }

    [Fact]
    public void Blank_lines_above_the_front_matter_are_forgiven()
    {
        var issue = ParseClean("\n\n---\naudiences: [county]\ndate: 2024-08-15\n---\n## 编者的话\n\n正文。\n");

        Assert.Equal(["county"], issue.Metadata.Audiences);
        Assert.Equal(3, issue.Metadata.Lines.FrontMatter);
        Assert.Equal(5, issue.Metadata.Lines.Of("date"));
        Assert.Equal(7, issue.Sections[0].Line);
    }

    [Fact]
    public void Crlf_and_bom_do_not_shift_lines()
    {
        var issue = ParseClean("\uFEFF---\r\naudiences: [county]\r\n---\r\n## 编者的话\r\n\r\n正文。\r\n");

        Assert.Equal(4, issue.Sections[0].Line);
        Assert.Equal(6, issue.Sections[0].Paragraphs[0].Line);
    }
}
