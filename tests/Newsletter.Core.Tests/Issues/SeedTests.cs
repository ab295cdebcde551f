using System.Security.Cryptography;
using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

/// <summary>The seeds in the repository: the bulletin as received and its reviewed Markdown.</summary>
public sealed class SeedTests
{
    [Fact]
    public void Sample_markdown_parses_and_validates_clean()
    {
        var result = IssueLoader.Load(Seeds.Markdown);

        Assert.Empty(result.Errors);
        Assert.Empty(new IssueValidator().Check(result.Issue!));
    }

    [Fact]
    public void Sample_markdown_has_the_structure_and_paragraphs_of_the_text_seed()
    {
        var markdown = IssueLoader.Load(Seeds.Markdown).Issue!;
        var text = IssueLoader.Load(Seeds.Text).Issue!;

        Assert.Equal(IssueShape.Of(text, withIndustries: false), IssueShape.Of(markdown, withIndustries: false));
        Assert.Equal(Seeds.RawParagraphs(), IssueShape.Paragraphs(markdown));
    }

    [Fact]
    public void Sample_markdown_is_a_sample_with_no_invented_number_or_date()
    {
        var metadata = IssueLoader.Load(Seeds.Markdown).Issue!.Metadata;

        Assert.True(metadata.IsSample);
        Assert.Null(metadata.Number);
        Assert.Null(metadata.Date);
        Assert.Equal(["municipal", "county", "enterprise"], metadata.Audiences);
        Assert.Equal("许昌市科学技术情报研究所", metadata.Publisher);
    }

    [Fact]
    public void Sample_markdown_tags_the_rare_earth_and_medical_articles()
    {
        var articles = IssueLoader.Load(Seeds.Markdown).Issue!.Articles.ToList();

        Assert.Equal(["新材料"], articles.Single(a => a.Paragraphs.Any(p => p.Text.Contains("永磁电机"))).Industries);
        Assert.Equal(["生物医药"], articles.Single(a => a.Title.Contains("西安高新区")).Industries);
    }

    [Fact]
    public void The_format_example_in_the_seeds_readme_is_a_valid_issue()
    {
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Seeds.Markdown)!, "README.md"));
        var start = readme.IndexOf("```markdown\n", StringComparison.Ordinal) + "```markdown\n".Length;
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var parsed = new IssueParser().Parse(example, "README.md");

        Assert.Empty(parsed.Errors);
        Assert.Empty(new IssueValidator().Check(parsed.Issue!));
        Assert.Equal(["county", "enterprise"], parsed.Issue!.Sections[1].Audiences);
        Assert.Equal(["新材料", "智能装备"], parsed.Issue.Articles.Single().Industries);
    }

    [Fact]
    public void Text_seed_is_the_bulletin_as_received()
    {
        // The file must stay byte for byte as received, so its SHA-256 is pinned here. (The hex in its name is not the
        // start of this hash, nor of its MD5 or SHA-1.)
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Seeds.Text)));

        Assert.Equal("d5791042c5d285fbf3f342c7c5a3870f1ec114ff7804d980750e5d9846a6c313", hash);
    }
}
