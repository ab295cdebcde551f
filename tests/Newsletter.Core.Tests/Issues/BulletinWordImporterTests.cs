using Newsletter.Core.Issues;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Issues;

public sealed class BulletinWordImporterTests
{
    private static BulletinImportResult Import(DocxBuilder document, string path = "bulletin.docx") =>
        new BulletinWordImporter().Import(document.ToBytes(), path);

    /// <summary>A bulletin as an editor styles it in Word: masthead lines, then 标题 1 sections, 标题 2 articles, 标题 3 subheadings.</summary>
    private static DocxBuilder Styled(bool chinese = true) => new DocxBuilder(chinese)
        .Paragraph("《许昌竞争情报快递》")
        .Paragraph("2024年第9期（总第120期）")
        .Paragraph("许昌市科学技术情报研究所　2024年9月15日")
        .Heading(1, "编者的话")
        .Paragraph("本刊立足许昌市现有工业基础。")
        .Heading(1, "行业动态")
        .Heading(2, "赣州高新区永磁电机产业")   // short: the text rules would call it a subheading; the style says article
        .Paragraph("近日，大会在江西省赣州市举办。")
        .Heading(3, "引进科研平台")
        .Paragraph("赣州高新区是“中国稀金谷”核心区。");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Heading_styles_become_sections_articles_and_subheadings(bool chineseStyleNames)
    {
        var result = Import(Styled(chineseStyleNames));

        Assert.Empty(result.Errors);
        Assert.Equal(BulletinImportMode.WordHeadings, result.Mode);
        Assert.Contains(chineseStyleNames ? "标题 1 → section" : "heading 1 → section", result.ModeDescription);
        var issue = Assert.IsType<Issue>(result.Issue);
        Assert.Equal(["编者的话", "行业动态"], issue.Sections.Select(s => s.Title));
        Assert.Equal(["本刊立足许昌市现有工业基础。"], issue.Sections[0].Paragraphs.Select(p => p.Text));
        var article = Assert.Single(issue.Sections[1].Articles);
        Assert.Equal("赣州高新区永磁电机产业", article.Title);
        Assert.Equal(["近日，大会在江西省赣州市举办。", "引进科研平台", "赣州高新区是“中国稀金谷”核心区。"],
            article.Blocks.Select(b => b switch { Paragraph p => p.Text, Subheading s => s.Text, _ => "" }));
        Assert.IsType<Subheading>(article.Blocks[1]);
        Assert.Equal(7, article.Line); // paragraph numbers
        Assert.Equal(ImportDecisionKind.Article, result.Decisions.Single(d => d.Line == 7).Kind);
        Assert.Empty(result.Unsure);
    }

    [Fact]
    public void The_期号_and_date_come_from_the_paragraphs_above_the_first_section()
    {
        var result = Import(Styled());

        Assert.Equal("2024年第9期（总第120期）", result.Header.Number);
        Assert.Equal(2, result.Header.NumberLine);
        Assert.Equal(new DateOnly(2024, 9, 15), result.Header.Date);
        Assert.Equal(3, result.Header.DateLine);
        Assert.False(result.Issue!.Metadata.IsSample);
        Assert.Contains("number: 2024年第9期（总第120期）", result.Markdown);
        Assert.Contains("date: 2024-09-15", result.Markdown);
    }

    [Fact]
    public void The_highest_heading_level_used_opens_sections()
    {
        var result = Import(new DocxBuilder().Heading(2, "行业动态").Heading(3, "一篇文章的标题在这里").Paragraph("正文。"));

        var section = Assert.Single(result.Issue!.Sections);
        Assert.Equal("行业动态", section.Title);
        Assert.Equal("一篇文章的标题在这里", Assert.Single(section.Articles).Title);
    }

    [Fact]
    public void Without_heading_styles_the_paragraphs_follow_the_plain_text_rules()
    {
        var text = File.ReadAllText(Seeds.Text);
        var fromText = new BulletinTextImporter().Import(text, Seeds.Text);

        var result = Import(new DocxBuilder().Lines(text));

        Assert.Empty(result.Errors);
        Assert.Equal(BulletinImportMode.WordParagraphs, result.Mode);
        var issue = result.Issue!;
        Assert.Equal(["编者的话", "行业动态", "行业趋势"], issue.Sections.Select(s => s.Title));
        Assert.Equal(Seeds.ArticleTitles, issue.Articles.Select(a => a.Title));
        Assert.Equal(Seeds.FirstArticleSubheadings, issue.Articles.First().Blocks.OfType<Subheading>().Select(s => s.Text));
        Assert.Equal(Seeds.RawParagraphs(),
            issue.Sections.SelectMany(s => s.Paragraphs.Concat(s.Articles.SelectMany(a => a.Paragraphs))).Select(p => p.Text));
        // One paragraph per line: the decisions are the text importer's, line for line.
        Assert.Equal(fromText.Decisions, result.Decisions);
        Assert.Equal(fromText.Markdown!.Replace("000_d7cfb1a0bdf40954.txt", "bulletin.docx"), result.Markdown);
    }

    [Fact]
    public void Bold_italic_and_links_are_kept_in_the_issue_and_its_markdown()
    {
        var document = new DocxBuilder()
            .Heading(1, "行业动态")
            .Heading(2, "西安高新区打通成果转化“最初一公里”")
            .Paragraph("全文见", new DocxRun("科技日报", Url: "https://www.stdaily.com/a?b=1&c=2"), "，", new DocxRun("重点", Bold: true),
                "在于", new DocxRun("转化", Italic: true), "。");

        var result = Import(document);

        var paragraph = result.Issue!.Articles.Single().Paragraphs.Single();
        Assert.Equal("全文见科技日报 (https://www.stdaily.com/a?b=1&c=2)，重点在于转化。", paragraph.Text);
        Assert.Equal("全文见<a href=\"https://www.stdaily.com/a?b=1&amp;c=2\">科技日报</a>，<strong>重点</strong>在于<em>转化</em>。", paragraph.Html);
        Assert.Contains("全文见[科技日报](<https://www.stdaily.com/a?b=1&c=2>)，**重点**在于*转化*。", result.Markdown);

        // The Markdown the editor reviews reads back to the same paragraph.
        var reread = new IssueParser().Parse(result.Markdown!, "issue.md");
        Assert.Empty(reread.Errors);
        var again = reread.Issue!.Articles.Single().Paragraphs.Single();
        Assert.Equal(paragraph.Html, again.Html);
        Assert.Equal(paragraph.Text, again.Text);
    }

    [Fact]
    public void Formatting_is_kept_without_heading_styles_too()
    {
        var result = Import(new DocxBuilder()
            .Paragraph("●行业动态")
            .Paragraph("产业“聚链成群” 企业“众木成林”")
            .Paragraph("近日，", new DocxRun("永磁电机产业创新发展大会", Bold: true), "在赣州举办。"));

        Assert.Equal(BulletinImportMode.WordParagraphs, result.Mode);
        var paragraph = result.Issue!.Articles.Single().Paragraphs.Single();
        Assert.Equal("近日，<strong>永磁电机产业创新发展大会</strong>在赣州举办。", paragraph.Html);
        Assert.Contains("近日，**永磁电机产业创新发展大会**在赣州举办。", result.Markdown);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_image_is_reported_as_dropped_with_its_paragraph(bool headingStyles)
    {
        var document = headingStyles
            ? new DocxBuilder().Heading(1, "行业动态").Heading(2, "赣州高新区永磁电机产业创新发展")
            : new DocxBuilder().Paragraph("●行业动态").Paragraph("赣州高新区永磁电机产业创新发展");
        document.Paragraph("大会现场。")
            .Image("图片 1")
            .Image("图片 2", "会后参观。");

        var result = Import(document);

        Assert.Empty(result.Errors);
        var images = result.Decisions.Where(d => d.Kind == ImportDecisionKind.Image).ToList();
        Assert.Equal(new[] { (4, "image '图片 1'"), (5, "image '图片 2'") }, images.Select(d => (d.Line, d.Text)));
        Assert.All(images, d => Assert.Contains("image dropped", d.Doubt));
        Assert.All(images, d => Assert.Contains(d, result.Unsure));
        Assert.Equal(["大会现场。", "会后参观。"], result.Issue!.Articles.Single().Paragraphs.Select(p => p.Text));
    }

    [Fact]
    public void A_word_97_document_is_told_to_be_saved_as_docx()
    {
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        var asDocx = new BulletinWordImporter().Import(ole, "bulletin.docx");
        var asDoc = IssueLoader.Read(ole, "bulletin.doc");

        Assert.Contains("save it as .docx", Assert.Single(asDocx.Errors).Hint);
        Assert.Null(asDocx.Issue);
        var error = Assert.Single(asDoc.Errors);
        Assert.Contains("Word 97–2003", error.Message);
        Assert.Contains("save it as .docx", error.Hint);
    }

    [Fact]
    public void A_file_that_is_not_a_word_document_gets_one_clear_error()
    {
        var result = new BulletinWordImporter().Import("这不是 Word 文档"u8, "bulletin.docx");

        var error = Assert.Single(result.Errors);
        Assert.Equal("bulletin.docx", error.File);
        Assert.Contains("not a Word document", error.Message);
    }

    [Fact]
    public void The_loader_reads_docx_by_its_extension()
    {
        var bytes = Styled().ToBytes();

        var parsed = IssueLoader.Read(bytes, "bulletin.docx");

        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        Assert.Equal(["编者的话", "行业动态"], parsed.Issue!.Sections.Select(s => s.Title));
        Assert.Equal(IssueFileKind.WordDocument, IssueLoader.KindOf("公报.DOCX"));
    }
}
