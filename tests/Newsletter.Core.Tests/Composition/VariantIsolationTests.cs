using System.Net;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;
using Newsletter.Core.Campaigns;

namespace Newsletter.Core.Tests.Composition;

/// <summary>Every piece of a variant — preheader, subject, contents, HTML, text part — comes only from its own sections.</summary>
public sealed class VariantIsolationTests
{
    private static readonly RecipientValues Values =
        new("尊敬的王局长", "王建国", "wang@example.org", "https://x.example.org/u/T", "https://x.example.org/v/T");

    private static BulletinComposer Composer(CompositionOptions? limits = null) => new(
        new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") }, new MjmlCompilerAdapter(), limits);

    internal static Issue Sample()
    {
        var result = IssueLoader.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Issue!;
    }

    /// <summary>The sample with its 编者的话 (the first section) restricted to county leaders, no preheader in the front matter.</summary>
    private static Issue EditorsNoteForCountyOnly()
    {
        var sample = Sample();
        Assert.Equal("编者的话", sample.Sections[0].Title);
        Assert.Null(sample.Metadata.Preheader);
        return sample with { Sections = [.. sample.Sections.Select((s, i) => i == 0 ? s with { Audiences = ["county"] } : s)] };
    }

    /// <summary>Pieces of text only the county-only section has: its title and a stretch of each paragraph.</summary>
    private static IEnumerable<string> CountyOnlyText(Issue issue)
    {
        var section = issue.Sections[0];
        yield return "●" + section.Title;
        foreach (var paragraph in section.Paragraphs)
        {
            // Not the very start: "许昌市科学技术情报研究所" is the publisher, in every variant's masthead and footer.
            yield return paragraph.Text[13..33];
            yield return paragraph.Text[^20..];
        }
    }

    [Fact]
    public void A_section_restricted_to_county_leaves_no_trace_in_the_municipal_variant()
    {
        var issue = EditorsNoteForCountyOnly();
        var composer = Composer();
        var municipal = composer.Compose(issue, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var county = composer.Compose(issue, IssuePublisher.Variant(Segments.County, Segments.BuiltIn));

        var html = WebUtility.HtmlDecode(municipal.Html.Render(Values, htmlEscape: true));
        var text = municipal.Text.Render(Values, htmlEscape: false);
        Assert.NotNull(municipal.Preheader);
        foreach (var piece in CountyOnlyText(issue))
        {
            Assert.DoesNotContain(piece, municipal.Preheader, StringComparison.Ordinal);
            Assert.DoesNotContain(piece, municipal.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain(piece, html, StringComparison.Ordinal);
            Assert.DoesNotContain(piece, text, StringComparison.Ordinal);
            // The county variant has it: the pieces are real text of the issue, not strings that never occur.
            Assert.Contains(piece, WebUtility.HtmlDecode(county.Html.Source) + county.Text.Source, StringComparison.Ordinal);
        }
        // The municipal preview text is the start of its own first paragraph, shown in the HTML's hidden preview too.
        var firstOwn = issue.Sections[1].Articles[0].Paragraphs.First().Text;
        Assert.StartsWith(municipal.Preheader.TrimEnd('…'), firstOwn, StringComparison.Ordinal);
        Assert.Contains(municipal.Preheader, html, StringComparison.Ordinal);
        Assert.StartsWith(county.Preheader!.TrimEnd('…'), issue.Sections[0].Paragraphs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preheader_from_the_front_matter_is_every_variants_preview_text()
    {
        var issue = EditorsNoteForCountyOnly();
        issue = issue with { Metadata = issue.Metadata with { Preheader = "本期聚焦稀土新材料" } };
        var municipal = Composer().Compose(issue, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        Assert.Equal("本期聚焦稀土新材料", municipal.Preheader);
    }

    [Fact]
    public void The_text_part_has_crlf_line_ends_and_no_bare_lf()
    {
        var variant = Composer().Compose(Sample(), IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var text = variant.Text.Render(Values, htmlEscape: false);
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?<!\r)\n", text);
        Assert.DoesNotMatch("\r(?!\n)", text);
    }

    [Fact]
    public void Each_variant_reports_its_html_size_and_a_variant_above_the_limit_is_a_mistake_suggesting_to_split()
    {
        var issue = Sample();
        var variant = Composer().Compose(issue, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var rendered = System.Text.Encoding.UTF8.GetByteCount(variant.Html.Render(Values, htmlEscape: true));
        Assert.InRange(variant.HtmlBytes, rendered, rendered + variant.Html.Slots.Count * ComposedVariant.SlotAllowance);
        Assert.Null(Composer().SizeError(issue, variant));

        var small = Composer(new CompositionOptions { MaxHtmlBytes = variant.HtmlBytes - 1 });
        var error = small.SizeError(issue, variant);
        Assert.NotNull(error);
        Assert.Equal(issue.SourcePath, error.File);
        Assert.Contains("municipal", error.Message, StringComparison.Ordinal);
        Assert.Contains("Composition:MaxHtmlBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("split", error.Hint, StringComparison.Ordinal);
        Assert.Null(Composer(new CompositionOptions { MaxHtmlBytes = variant.HtmlBytes }).SizeError(issue, variant));
        Assert.Equal(100_000, new CompositionOptions().MaxHtmlBytes);
    }
}
