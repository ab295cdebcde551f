using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

/// <summary>The importer's Markdown, read back by the parser, is the issue the importer built directly.</summary>
public sealed class IssueRoundTripTests
{
    private static (Issue Direct, Issue Parsed) RoundTrip(string text)
    {
        var import = new BulletinTextImporter().Import(text, "bulletin.txt");
        Assert.Empty(import.Errors);
        var parsed = new IssueParser().Parse(import.Markdown!, "bulletin.md");
        Assert.Empty(parsed.Errors);
        return (import.Issue!, parsed.Issue!);
    }

    [Fact]
    public void Seed_markdown_parses_back_to_the_directly_imported_issue()
    {
        var (direct, parsed) = RoundTrip(File.ReadAllText(Seeds.Text));

        Assert.Equal(IssueShape.Of(direct.Metadata), IssueShape.Of(parsed.Metadata));
        Assert.Equal(IssueShape.Of(direct), IssueShape.Of(parsed));
        Assert.Equal(direct.Subject, parsed.Subject);
    }

    [Fact]
    public void Markdown_special_characters_in_the_text_survive_the_round_trip()
    {
        var text = string.Join('\n',
            "●编者的话",
            "*星号* 与 _下划线_ 以及 [方括号](http://x) 和 <b>标签</b> & &amp; 实体。",
            "# 井号开头的一段话，并不是标题。",
            "1. 数字加点开头的一段话，并不是列表。",
            "- 减号开头的一段话，也不是列表项。",
            "> 大于号开头的一段话，也不是引用。",
            "反斜杠 \\ 与反引号 ` 与竖线 | 与波浪号 ~~~ 都要原样保留。",
            "●行业动态",
            "标题里有*星号*和#井号的文章标题",
            "正文。");

        var (direct, parsed) = RoundTrip(text);

        Assert.Equal(IssueShape.Of(direct), IssueShape.Of(parsed));
        Assert.Equal(6, parsed.Sections[0].Paragraphs.Count);
        Assert.Equal("标题里有*星号*和#井号的文章标题", parsed.Articles.Single().Title);
    }

    [Fact]
    public void Section_audiences_and_industries_survive_writing_and_parsing()
    {
        var issue = new Issue(
            new IssueMetadata("许昌竞争情报快递", "2024年第8期", new DateOnly(2024, 8, 15), "许昌市科学技术情报研究所",
                ["municipal", "重点企业"], "主题: 带冒号", "摘要", false),
            [
                new Section("行业动态", [], [new Article("文章", [new Paragraph("正文。", "正文。", 0)], ["新材料", "化工"], 0)],
                    ["county", "enterprise"], 0),
            ],
            "x.md");

        var parsed = new IssueParser().Parse(IssueMarkdownWriter.Write(issue), "x.md");

        Assert.Empty(parsed.Errors);
        Assert.Equal(IssueShape.Of(issue), IssueShape.Of(parsed.Issue!));
        Assert.Equal(IssueShape.Of(issue.Metadata), IssueShape.Of(parsed.Issue!.Metadata));
    }
}
