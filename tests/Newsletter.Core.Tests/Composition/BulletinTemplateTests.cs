using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;
using Newsletter.Core.Campaigns;

namespace Newsletter.Core.Tests.Composition;

/// <summary>The bulletin layout in templates/ composed from the sample issue.</summary>
public sealed class BulletinTemplateTests
{
    private static readonly Issue Sample = LoadSample();

    private static BulletinComposer Composer() => new(
        new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") },
        new MjmlCompilerAdapter());

    private static Issue LoadSample()
    {
        var result = IssueLoader.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Issue!;
    }

    public static TheoryData<string> Variants => new() { Segments.Municipal, Segments.County, Segments.Enterprise };

    [Theory]
    [MemberData(nameof(Variants))]
    [Requires("node-mjml")]
    public void Our_compiler_renders_the_bulletin_exactly_as_mjml_541_does(string segment)
    {
        var mjml = Composer().RenderMjml(Sample, IssuePublisher.Variant(segment, Segments.BuiltIn));
        var ours = new Newsletter.Mjml.MjmlCompiler().Compile(mjml);
        Assert.False(ours.Rejected);
        Assert.Empty(ours.Errors);

        using var reference = new MjmlReference();
        var comparison = HtmlComparer.Compare(reference.Render(mjml), ours.Html);
        Assert.True(comparison.Equal, comparison.ToString());
    }

    [Fact]
    public void Every_article_title_subheading_and_paragraph_is_in_both_parts_once_per_variant()
    {
        var variant = Composer().Compose(Sample, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var values = new RecipientValues("尊敬的王局长", "王建国", "wang@example.org", "https://x.example.org/u/T", "https://x.example.org/v/T");
        var html = System.Net.WebUtility.HtmlDecode(variant.Html.Render(values, htmlEscape: true));
        var text = variant.Text.Render(values, htmlEscape: false);
        foreach (var article in Sample.Articles)
        {
            Assert.Contains(article.Title, html, StringComparison.Ordinal);
            Assert.Contains(article.Title, text, StringComparison.Ordinal);
            foreach (var block in article.Blocks)
            {
                var content = block switch { Paragraph p => p.Text, Subheading s => s.Text, _ => throw new InvalidOperationException() };
                Assert.Contains(content, text, StringComparison.Ordinal);
            }
        }
        foreach (var paragraph in Sample.Sections.SelectMany(s => s.Paragraphs))
        {
            Assert.Contains(paragraph.Text, html, StringComparison.Ordinal);
        }
        foreach (var expected in new[] { "尊敬的王局长", "https://x.example.org/u/T", "https://x.example.org/v/T", "内部资料" })
        {
            Assert.Contains(expected, html, StringComparison.Ordinal);
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("[[nl:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("[[nl:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_values_are_html_escaped_in_the_html_part_and_left_alone_in_the_text_part()
    {
        var variant = Composer().Compose(Sample, IssuePublisher.Variant(Segments.County, Segments.BuiltIn));
        var values = new RecipientValues("<script>alert(1)</script>", "<b>x</b>", "a@example.org", "https://x.example.org/u/a?b=1&c=2", "https://x.example.org/v/T");
        var html = variant.Html.Render(values, htmlEscape: true);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://x.example.org/u/a?b=1&amp;c=2\"", html, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script>", variant.Text.Render(values, htmlEscape: false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_restricted_to_an_audience_appears_only_in_that_variant()
    {
        var restricted = Sample with
        {
            Sections = [.. Sample.Sections.Select((s, i) => i == 0 ? s with { Audiences = ["县级领导"] } : s)],
        };
        var title = Sample.Sections[0].Title;
        var composer = Composer();
        var county = composer.Compose(restricted, IssuePublisher.Variant(Segments.County, Segments.BuiltIn));
        var municipal = composer.Compose(restricted, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        Assert.Contains("●" + title, county.Text.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("●" + title, municipal.Text.Source, StringComparison.Ordinal);
        Assert.Contains(title, county.Html.Source, StringComparison.Ordinal);
        Assert.DoesNotContain(">●" + title, municipal.Html.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_layout_is_a_template_error_naming_the_file()
    {
        var composer = new BulletinComposer(new TemplateOptions { Directory = "/nonexistent/templates" }, new MjmlCompilerAdapter());
        var error = Assert.Throws<TemplateException>(() => composer.Compose(Sample, IssuePublisher.Variant(Segments.County, Segments.BuiltIn)));
        Assert.Contains("/nonexistent/templates", error.Message, StringComparison.Ordinal);
    }
}
