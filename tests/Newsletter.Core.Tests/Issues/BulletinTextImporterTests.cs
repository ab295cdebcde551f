using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

public sealed class BulletinTextImporterTests
{
    private static BulletinImportResult ImportSeed() =>
        new BulletinTextImporter().Import(File.ReadAllText(Seeds.Text), Seeds.Text);

    [Fact]
    public void Seed_imports_into_its_sections_articles_and_subheadings()
    {
        var result = ImportSeed();

        Assert.Empty(result.Errors);
        var issue = Assert.IsType<Issue>(result.Issue);
        Assert.Equal(["编者的话", "行业动态", "行业趋势"], issue.Sections.Select(s => s.Title));

        var editorial = issue.Sections[0];
        Assert.Empty(editorial.Articles);
        Assert.Single(editorial.Paragraphs);
        Assert.StartsWith("许昌市科学技术情报研究所是隶属于市科技局", editorial.Paragraphs[0].Text);

        var news = issue.Sections[1];
        Assert.Empty(news.Paragraphs);
        Assert.Equal(Seeds.ArticleTitles[..2], news.Articles.Select(a => a.Title));
        Assert.Equal(Seeds.FirstArticleSubheadings, news.Articles[0].Blocks.OfType<Subheading>().Select(s => s.Text));
        Assert.Equal(Seeds.SecondArticleSubheadings, news.Articles[1].Blocks.OfType<Subheading>().Select(s => s.Text));

        var trends = issue.Sections[2];
        var trend = Assert.Single(trends.Articles);
        Assert.Equal(Seeds.ArticleTitles[2], trend.Title);
        Assert.Empty(trend.Blocks.OfType<Subheading>());
    }

    [Fact]
    public void Seed_keeps_every_paragraph_once_and_in_order()
    {
        var issue = ImportSeed().Issue!;

        Assert.Equal(Seeds.RawParagraphs(), IssueShape.Paragraphs(issue));
    }

    [Fact]
    public void Paragraph_html_is_the_escaped_text()
    {
        var text = "●编者的话\n温度<30℃ & \"A\"'s <b>测试</b>。\n";

        var paragraph = new BulletinTextImporter().Import(text, "t.txt").Issue!.Sections[0].Paragraphs[0];

        Assert.Equal("温度<30℃ & \"A\"'s <b>测试</b>。", paragraph.Text);
        Assert.Equal("温度&lt;30℃ &amp; &quot;A&quot;&#39;s &lt;b&gt;测试&lt;/b&gt;。", paragraph.Html);
    }

    [Fact]
    public void Seed_decisions_point_at_the_lines_they_decided()
    {
        var raw = File.ReadAllLines(Seeds.Text);
        var result = ImportSeed();

        var structural = result.Decisions.Where(d => d.Kind != ImportDecisionKind.Paragraph).ToList();
        Assert.Equal(3 + 3 + 6, structural.Count);
        foreach (var decision in result.Decisions)
        {
            Assert.Equal(decision.Text, raw[decision.Line - 1].Trim(' ', '\u3000').TrimStart('●'));
        }
        Assert.Equal(Seeds.FirstArticleSubheadings.Concat(Seeds.SecondArticleSubheadings),
            structural.Where(d => d.Kind == ImportDecisionKind.Subheading).Select(d => d.Text));
        Assert.Equal(Seeds.ArticleTitles, structural.Where(d => d.Kind == ImportDecisionKind.Article).Select(d => d.Text));
    }

    [Fact]
    public void Seed_import_is_sure_of_every_line()
    {
        Assert.Empty(ImportSeed().Unsure);
    }

    [Fact]
    public void Issue_lines_are_those_of_the_text_file()
    {
        var raw = File.ReadAllLines(Seeds.Text);
        var issue = ImportSeed().Issue!;

        foreach (var article in issue.Articles)
        {
            Assert.Equal(article.Title, raw[article.Line - 1].Trim());
            foreach (var block in article.Blocks)
            {
                var text = block is Paragraph p ? p.Text : ((Subheading)block).Text;
                Assert.Equal(text, raw[block.Line - 1].Trim(' ', '\u3000'));
            }
        }
    }

    [Fact]
    public void Imported_metadata_is_a_sample_with_no_invented_number_or_date()
    {
        var metadata = ImportSeed().Issue!.Metadata;

        Assert.True(metadata.IsSample);
        Assert.Null(metadata.Number);
        Assert.Null(metadata.Date);
        Assert.Equal("许昌竞争情报快递", metadata.Title);
        Assert.Equal("许昌市科学技术情报研究所", metadata.Publisher);
        Assert.Equal(["municipal", "county", "enterprise"], metadata.Audiences);
    }

    [Fact]
    public void Imported_seed_validates_clean()
    {
        var issue = ImportSeed().Issue!;

        Assert.Empty(new IssueValidator().Check(issue));
    }

    [Fact]
    public void A_title_may_be_followed_by_its_first_paragraph_without_a_blank_line()
    {
        var text = "●行业趋势\n\n西安高新区打通成果转化“最初一公里”\n在科技成果转化的过程中，不少企业曾受到类似问题的困扰。\n\n第二段。\n";

        var issue = new BulletinTextImporter().Import(text, "t.txt").Issue!;

        var article = Assert.Single(Assert.Single(issue.Sections).Articles);
        Assert.Equal("西安高新区打通成果转化“最初一公里”", article.Title);
        Assert.Equal(["在科技成果转化的过程中，不少企业曾受到类似问题的困扰。", "第二段。"], article.Paragraphs.Select(p => p.Text));
        Assert.Equal(4, article.Blocks[0].Line);
    }

    [Fact]
    public void Spaces_and_full_width_spaces_around_lines_are_trimmed()
    {
        var text = " \u3000●行业动态 \n\u3000\u3000这是一个足够长的文章标题用来测试 \u3000\n\u3000\u3000正文第一段。\u3000\n";

        var issue = new BulletinTextImporter().Import(text, "t.txt").Issue!;

        var section = Assert.Single(issue.Sections);
        Assert.Equal("行业动态", section.Title);
        var article = Assert.Single(section.Articles);
        Assert.Equal("这是一个足够长的文章标题用来测试", article.Title);
        Assert.Equal("正文第一段。", Assert.Single(article.Paragraphs).Text);
    }

    [Fact]
    public void The_first_heading_after_a_marker_is_an_article_title_and_later_short_ones_are_subheadings()
    {
        var text = "●行业动态\n短标题\n正文。\n小标题\n正文二。\n另一个足够长的文章标题在这里\n正文三。\n";

        var result = new BulletinTextImporter().Import(text, "t.txt");

        Assert.Equal(
            [ImportDecisionKind.Section, ImportDecisionKind.Article, ImportDecisionKind.Paragraph, ImportDecisionKind.Subheading,
             ImportDecisionKind.Paragraph, ImportDecisionKind.Article, ImportDecisionKind.Paragraph],
            result.Decisions.Select(d => d.Kind));
        // "短标题" is an article title only because it comes first: a person should look at it.
        Assert.True(result.Decisions[1].IsUnsure);
        Assert.False(result.Decisions[3].IsUnsure);
        Assert.Equal(2, result.Issue!.Sections[0].Articles.Count);
    }

    [Fact]
    public void A_heading_of_in_between_length_is_flagged()
    {
        // 10 characters: longer than a sure subheading (8), shorter than a title (12).
        var text = "●行业动态\n这是一个足够长的文章标题用来测试\n正文。\n十个字的小标题在这里\n正文二。\n";

        var result = new BulletinTextImporter().Import(text, "t.txt");

        var flagged = Assert.Single(result.Unsure);
        Assert.Equal(4, flagged.Line);
        Assert.Equal(ImportDecisionKind.Subheading, flagged.Kind);
        Assert.Contains("10", flagged.Doubt);
    }

    [Fact]
    public void A_long_line_without_closing_punctuation_is_a_flagged_paragraph()
    {
        var text = "●编者的话\n这一行没有句号但是很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长\n";

        var result = new BulletinTextImporter().Import(text, "t.txt");

        var decision = result.Decisions[1];
        Assert.Equal(ImportDecisionKind.Paragraph, decision.Kind);
        Assert.True(decision.IsUnsure);
        Assert.Single(result.Issue!.Sections[0].Paragraphs);
    }

    [Fact]
    public void A_heading_with_nothing_after_it_is_flagged()
    {
        var text = "●行业动态\n这是一个足够长的文章标题用来测试\n正文。\n结尾的小标题\n●行业趋势\n正文。\n";

        var result = new BulletinTextImporter().Import(text, "t.txt");

        var flagged = Assert.Single(result.Unsure);
        Assert.Equal(4, flagged.Line);
        Assert.Contains("nothing follows", flagged.Doubt);
    }

    [Fact]
    public void Text_before_the_first_marker_is_left_out_and_flagged()
    {
        // The bulletin's own name is expected above the first marker (the masthead prints it): left out without a doubt.
        var text = "许昌竞争情报快递\n内部资料　注意保存\n●编者的话\n正文。\n";

        var result = new BulletinTextImporter().Import(text, "t.txt");

        var skipped = Assert.Single(result.Unsure);
        Assert.Equal((2, ImportDecisionKind.Skipped), (skipped.Line, skipped.Kind));
        Assert.Contains(result.Decisions, d => d is { Line: 1, Kind: ImportDecisionKind.Skipped, IsUnsure: false });
        Assert.Equal(["正文。"], IssueShape.Paragraphs(result.Issue!));
    }

    [Fact]
    public void Text_without_any_section_marker_is_an_error()
    {
        var result = new BulletinTextImporter().Import("只是一段文字。\n", "t.txt");

        Assert.Null(result.Issue);
        Assert.Null(result.Markdown);
        Assert.Contains("section marker", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void A_marker_without_a_title_is_an_error_at_its_line()
    {
        var result = new BulletinTextImporter().Import("●编者的话\n正文。\n \u3000●\n正文。\n", "t.txt");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("t.txt", 3), (error.File, error.Line));
        Assert.Null(result.Issue);
    }

    [Fact]
    public void Windows_line_endings_are_read_like_unix_ones()
    {
        var unix = File.ReadAllText(Seeds.Text);
        var windows = unix.ReplaceLineEndings("\r\n");

        var a = new BulletinTextImporter().Import(unix, "a.txt").Issue!;
        var b = new BulletinTextImporter().Import(windows, "b.txt").Issue!;

        Assert.Equal(IssueShape.Of(a), IssueShape.Of(b));
    }

    [Fact]
    public void Options_change_the_section_marker_and_lengths()
    {
        var options = new BulletinImportOptions { SectionMarkers = "■", ArticleTitleMinLength = 4, ArticleTitleSureMinLength = 4 };
        var text = "■行业动态\n第一个标题\n正文。\n第二个标题\n正文二。\n";

        var issue = new BulletinTextImporter(options).Import(text, "t.txt").Issue!;

        Assert.Equal(["第一个标题", "第二个标题"], issue.Articles.Select(a => a.Title));
    }
}
