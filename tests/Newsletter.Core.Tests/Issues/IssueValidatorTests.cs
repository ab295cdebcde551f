using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

public sealed class IssueValidatorTests
{
    private const string Good = "---\ntitle: 许昌竞争情报快递\naudiences: [municipal, 县级领导]\n---\n## 编者的话\n\n正文。\n\n## 行业动态\n\n### 文章\n<!-- industries: 新材料 -->\n\n正文。\n";

    private static IReadOnlyList<SourceError> Check(string markdown, IEnumerable<string>? known = null)
    {
        var parsed = new IssueParser().Parse(markdown, "issue.md");
        Assert.Empty(parsed.Errors);
        return new IssueValidator(known).Check(parsed.Issue!);
    }

    [Fact]
    public void A_complete_issue_is_clean()
    {
        Assert.Empty(Check(Good));
    }

    [Fact]
    public void Missing_audiences_are_an_error_at_the_front_matter()
    {
        var errors = Check(Good.Replace("audiences: [municipal, 县级领导]\n", ""));

        var error = Assert.Single(errors);
        Assert.Equal(("issue.md", 1), (error.File, error.Line));
        Assert.Contains("no audiences", error.Message);
        Assert.Contains("audiences: [municipal, county, enterprise]", error.Hint);
    }

    [Fact]
    public void A_file_without_front_matter_is_reported_as_missing_audiences()
    {
        var errors = Check("## 编者的话\n\n正文。\n");

        Assert.Equal("issue.md:1: the issue names no audiences", Assert.Single(errors).ToString().Split(" — ")[0]);
    }

    [Fact]
    public void An_empty_title_is_an_error_at_its_line()
    {
        var error = Assert.Single(Check(Good.Replace("title: 许昌竞争情报快递", "title: \"\"")));

        Assert.Equal(2, error.Line);
        Assert.Contains("title", error.Message);
    }

    [Fact]
    public void An_unknown_front_matter_key_is_an_error_with_a_suggestion()
    {
        var error = Assert.Single(Check(Good.Replace("title:", "preheadr: 摘要\ntitle:")));

        Assert.Equal(2, error.Line);
        Assert.Contains("'preheadr'", error.Message);
        Assert.Equal("did you mean 'preheader'?", error.Hint);
    }

    [Fact]
    public void An_unknown_key_far_from_any_lists_the_keys()
    {
        var error = Assert.Single(Check(Good.Replace("title:", "colour: red\ntitle:")));

        Assert.Contains("audiences", error.Hint);
        Assert.DoesNotContain("did you mean", error.Hint);
    }

    [Fact]
    public void An_unknown_audience_is_an_error_at_its_line_with_a_suggestion()
    {
        var errors = Check(Good.Replace("audiences: [municipal, 县级领导]", "audiences:\n  - municipal\n  - countyy"));

        var error = Assert.Single(errors);
        Assert.Equal(5, error.Line); // the line of "  - countyy"
        Assert.Contains("'countyy'", error.Message);
        Assert.Equal("did you mean 'county'?", error.Hint);
    }

    [Fact]
    public void Known_audiences_come_from_the_caller()
    {
        var markdown = Good.Replace("[municipal, 县级领导]", "[universities]");

        Assert.Single(Check(markdown));
        Assert.Empty(Check(markdown, ["universities", "高校"]));
    }

    [Fact]
    public void Audience_keys_are_matched_without_regard_to_case()
    {
        Assert.Empty(Check(Good.Replace("municipal", "Municipal")));
    }

    [Fact]
    public void An_unknown_section_audience_is_an_error_at_the_directive()
    {
        var errors = Check(Good.Replace("## 行业动态\n", "## 行业动态\n<!-- audiences: county, 省级领导 -->\n"));

        var error = Assert.Single(errors);
        Assert.Equal(10, error.Line);
        Assert.Contains("省级领导", error.Message);
    }

    [Fact]
    public void An_unknown_industry_is_an_error_with_a_suggestion()
    {
        var error = Assert.Single(Check(Good.Replace("industries: 新材料", "industries: 新材料, 新能源汽")));

        Assert.Equal(12, error.Line);
        Assert.Contains("'新能源汽'", error.Message);
        Assert.Equal("did you mean '新能源汽车'?", error.Hint);
    }

    [Fact]
    public void An_article_without_paragraphs_is_an_error_at_its_heading()
    {
        var errors = Check(Good + "\n### 空文章\n\n#### 小标题\n");

        var error = Assert.Single(errors);
        Assert.Equal(16, error.Line);
        Assert.Contains("'空文章' has no paragraphs", error.Message);
    }

    [Fact]
    public void A_subheading_without_paragraphs_is_an_error()
    {
        var errors = Check(Good + "\n#### 结尾小标题\n");

        Assert.Equal(16, Assert.Single(errors).Line);
    }

    [Fact]
    public void An_empty_section_is_an_error_at_its_heading()
    {
        var errors = Check(Good.Replace("## 行业动态\n", "## 空栏目\n\n## 行业动态\n"));

        var error = Assert.Single(errors);
        Assert.Equal(9, error.Line);
        Assert.Contains("'空栏目' is empty", error.Message);
    }

    [Fact]
    public void An_issue_without_sections_is_an_error()
    {
        var errors = Check("---\naudiences: [county]\n---\n");

        Assert.Contains("no sections", Assert.Single(errors).Message);
    }

    [Fact]
    public void Several_mistakes_come_back_together_in_line_order()
    {
        var errors = Check("---\naudiences: [nobody]\ncolour: red\n---\n## 空栏目\n\n## 行业动态\n\n### 空文章\n");

        Assert.Equal([2, 3, 5, 9], errors.Select(e => e.Line));
    }
}
