using System.Text.RegularExpressions;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Testing;
using Newsletter.Core.Campaigns;

namespace Newsletter.Core.Tests.Composition;

/// <summary>
/// The composed HTML carries what survives clients that strip &lt;style&gt;: headings and typography inline, table of
/// contents links to the web view, and the dark-mode declarations for those that keep it. (How it reads is measured
/// in Chromium: Newsletter.Web.Tests BulletinReadingTests.)
/// </summary>
public sealed partial class BulletinMarkupTests
{
    private static readonly RecipientValues Values =
        new("尊敬的王局长", "王建国", "wang@example.org", "https://x.example.org/u/T", "https://x.example.org/v/T");

    private static string Html()
    {
        var composer = new BulletinComposer(new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") },
            new MjmlCompilerAdapter());
        return composer.Compose(VariantIsolationTests.Sample(), IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn))
            .Html.Render(Values, htmlEscape: true);
    }

    [GeneratedRegex("<(h[1-4]|p)\\b([^>]*)>")]
    private static partial Regex HeadingOrParagraph();

    [Fact]
    public void Headings_are_h1_to_h4_and_they_and_the_paragraphs_carry_their_typography_inline()
    {
        var html = Html();
        var tags = HeadingOrParagraph().Matches(html).Select(m => (Tag: m.Groups[1].Value, Attributes: m.Groups[2].Value)).ToList();
        Assert.Single(tags, t => t.Tag == "h1");
        Assert.Contains(tags, t => t.Tag == "h2");
        Assert.Contains(tags, t => t.Tag == "h3");
        Assert.Contains(tags, t => t.Tag == "h4");
        foreach (var (tag, attributes) in tags.Where(t => t.Tag.StartsWith('h')))
        {
            // Outlook's own heading styles (margins, sizes, blue) must not take over.
            foreach (var property in new[] { "margin:", "font-size:", "color:", "line-height:" })
            {
                Assert.True(attributes.Contains(property, StringComparison.Ordinal), $"<{tag}{attributes}> has no inline {property}");
            }
        }
        Assert.Contains("white-space: nowrap", tags.Single(t => t.Tag == "h1").Attributes.Replace(":", ": ", StringComparison.Ordinal).Replace(":  ", ": ", StringComparison.Ordinal), StringComparison.Ordinal);
        var indented = tags.Where(t => t.Tag == "p" && t.Attributes.Contains("text-indent", StringComparison.Ordinal)).ToList();
        Assert.True(indented.Count >= 20, $"{indented.Count} paragraphs with an inline text-indent");
        Assert.All(indented, p => Assert.Matches("text-indent: ?2em", p.Attributes));
    }

    [Fact]
    public void Each_contents_entry_links_to_the_web_views_anchor_and_within_the_message()
    {
        var html = Html();
        var issue = VariantIsolationTests.Sample();
        var anchors = issue.Sections.Select((s, i) => $"s{i + 1}")
            .Concat(issue.Sections.SelectMany((s, i) => s.Articles.Select((a, j) => $"s{i + 1}a{j + 1}"))).ToList();
        Assert.True(anchors.Count > 5);
        foreach (var anchor in anchors)
        {
            Assert.Contains($"href=\"https://x.example.org/v/T#{anchor}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"#{anchor}\"", html, StringComparison.Ordinal);
            Assert.Contains($"id=\"{anchor}\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_head_declares_light_and_dark_with_a_dark_palette_and_outlook_com_rules()
    {
        var html = Html();
        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];
        Assert.Contains("<meta name=\"color-scheme\" content=\"light dark\">", head, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"supported-color-schemes\" content=\"light dark\">", head, StringComparison.Ordinal);
        Assert.Contains("@media (prefers-color-scheme: dark)", head, StringComparison.Ordinal);
        Assert.Contains("[data-ogsc] .nl-h2", head, StringComparison.Ordinal);
        Assert.Contains("[data-ogsb] .nl-masthead", head, StringComparison.Ordinal);
    }
}
