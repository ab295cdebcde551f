using System.Diagnostics;
using System.Text;
using Newsletter.Mjml.Tests.Corpus;
using Newsletter.Testing;
using Xunit.Abstractions;

namespace Newsletter.Mjml.Tests.Robustness;

/// <summary>Randomly damaged corpus inputs (fixed seed, bounded count and time) never crash or hang the compiler.</summary>
[Slow]
public sealed class MutationTests(ITestOutputHelper output)
{
    private static readonly MjmlCompiler Compiler = new();

    private static readonly string[] Fragments =
    [
        "<", ">", "</", "/>", "&", "&nbsp;", "&#", "\"", "'", "=", "<!--", "-->", "<![CDATA[", "]]>", "<mj-section>", "</mj-section>",
        "<mj-column>", "</mj-column>", "<mj-text>", "</mj-text>", "<mj-raw>", "</mj-raw>", "<mj-body>", "</mj-body>", "<mjml>", "</mjml>",
        "<mj-head>", "<mj-attributes><mj-all padding=\"x\" /></mj-attributes>", "<mj-class name=\"a\" color=\"#abc\"/>", "mj-class=\"a b\"",
        "width=\"-5px\"", "width=\"100%\"", "width=\"abc\"", "padding=\"1px 2px 3px 4px 5px\"", "background-url=\"x.png\"", "full-width=\"full-width\"",
        "<mj-hero mode=\"fluid-height\">", "<mj-group>", "<mj-wrapper gap=\"10px\">", "<mj-carousel>", "<mj-carousel-image src=\"a\"/>",
        "<mj-accordion>", "<mj-navbar hamburger=\"hamburger\">", "<mj-social>", "<mj-social-element name=\"facebook\">",
        "<mj-style inline=\"inline\">a{color:red}</mj-style>", "<mj-html-attributes><mj-selector path=\".x\"><mj-html-attribute name=\"d\">1</mj-html-attribute></mj-selector></mj-html-attributes>",
        "<mj-include path=\"../../etc/passwd\" />", "\u0000", "\uFEFF", "\uFFFD", "中文", "<br>", "<p>", "</td>", "<style>", "</style>",
        "<mj-section gutter=\"10px\">", "<mj-column padding=\"3px\" inner-border=\"2px solid red\">", "<mj-breakpoint width=\"abc\"/>",
    ];

    [Fact]
    public void Damaged_inputs_never_throw_and_always_return_quickly()
    {
        var random = new Random(20261127);
        var sources = MjmlCorpus.All().Select(e => e.Mjml).ToList();
        var total = Stopwatch.StartNew();
        var calls = 0;
        var slowest = TimeSpan.Zero;
        var rejected = 0;
        for (var i = 0; i < 1500 && total.Elapsed < TimeSpan.FromSeconds(90); i++)
        {
            var input = Mutate(sources[random.Next(sources.Count)], random);
            foreach (var validation in new[] { MjmlValidationLevel.Soft, MjmlValidationLevel.Strict })
            {
                var watch = Stopwatch.StartNew();
                var result = Fuzz.Call($"mutation {i}", input, _ => Compiler.Compile(input, new MjmlOptions { Validation = validation }));
                watch.Stop();
                calls++;
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;
                if (result.Rejected) rejected++;
                Assert.DoesNotContain(result.Errors, e => e.Message.StartsWith("Internal compiler error", StringComparison.Ordinal));
                Assert.True(result.Rejected ? result.Html.Length == 0 : result.Html.Length > 0);
            }
        }
        output.WriteLine($"{calls} calls, {rejected} rejected, slowest {slowest.TotalMilliseconds:F1} ms, total {total.Elapsed}");
        Assert.True(calls >= 200);
    }

    [Theory]
    [InlineData(50_000)]
    [InlineData(5_000)]
    public void Deep_nesting_and_huge_inputs_are_handled(int count)
    {
        var deep = new StringBuilder("<mjml><mj-body>");
        for (var i = 0; i < count; i++) deep.Append("<mj-wrapper>");
        deep.Append("</mj-body></mjml>");
        var result = Fuzz.Call("deep", deep.ToString(), _ => Compiler.Compile(deep.ToString()));
        Assert.DoesNotContain(result.Errors, e => e.Message.StartsWith("Internal compiler error", StringComparison.Ordinal));

        var wide = new StringBuilder("<mjml><mj-body><mj-section><mj-column>");
        for (var i = 0; i < count; i++) wide.Append("<mj-text>段落 ").Append(i).Append("</mj-text>");
        wide.Append("</mj-column></mj-section></mj-body></mjml>");
        result = Fuzz.Call("wide", wide.ToString(), _ => Compiler.Compile(wide.ToString()));
        Assert.False(result.Rejected);
        Assert.Contains("段落 " + (count - 1), result.Html, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Nested() => new()
    {
        { "sections", "<mjml><mj-body>" + Repeat("<mj-section>", 100_000) + Repeat("</mj-section>", 100_000) + "</mj-body></mjml>" },
        { "columns", "<mjml><mj-body><mj-section>" + Repeat("<mj-column>", 100_000) + "</mj-section></mj-body></mjml>" },
        { "html-tags", "<mjml><mj-body>" + Repeat("<div>", 100_000) + "</mj-body></mjml>" },
        { "unclosed", "<mjml><mj-body>" + Repeat("<mj-wrapper><mj-section>", 50_000) },
    };

    [Theory]
    [MemberData(nameof(Nested))]
    public void Nesting_beyond_the_parsers_depth_is_an_error_not_a_crash(string name, string mjml)
    {
        var result = Fuzz.Call(name, mjml, _ => Compiler.Compile(mjml, new MjmlOptions { Validation = MjmlValidationLevel.Skip }));
        var error = Assert.Single(result.Errors, e => e.Message.Contains("nested more than 200 levels deep", StringComparison.Ordinal));
        Assert.Equal(1, error.Line);
        Assert.DoesNotContain(result.Errors, e => e.Message.StartsWith("Internal compiler error", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_nested_deep_inside_an_ending_tag_compiles()
    {
        // mj-text keeps its markup verbatim; the inliner and the output formatting must not recurse on it.
        var mjml = "<mjml><mj-head><mj-style inline=\"inline\">div { color: red }</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text>"
            + Repeat("<div>", 50_000) + "x" + Repeat("</div>", 50_000) + "</mj-text></mj-column></mj-section></mj-body></mjml>";
        var result = Fuzz.Call("deep html", mjml, _ => Compiler.Compile(mjml));
        Assert.False(result.Rejected);
        Assert.Contains("color: red", result.Html, StringComparison.Ordinal);

        // mj-raw is an ending tag too: mj-raw inside mj-raw is its text, not nesting.
        var raw = "<mjml><mj-body>" + Repeat("<mj-raw>", 100_000) + Repeat("</mj-raw>", 100_000) + "</mj-body></mjml>";
        result = Fuzz.Call("nested raw", raw, _ => Compiler.Compile(raw));
        Assert.DoesNotContain(result.Errors, e => e.Message.StartsWith("Internal compiler error", StringComparison.Ordinal));
    }

    private static string Repeat(string s, int count) => new StringBuilder(s.Length * count).Insert(0, s, count).ToString();

    private static string Mutate(string source, Random random)
    {
        var sb = new StringBuilder(source);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && sb.Length > 0; e++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(6))
            {
                case 0:
                    sb.Remove(at, Math.Min(random.Next(1, 200), sb.Length - at));
                    break;
                case 1:
                    sb.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    var length = Math.Min(random.Next(1, 300), sb.Length - at);
                    sb.Insert(random.Next(sb.Length), sb.ToString(at, length));
                    break;
                case 3:
                    sb.Length = at;
                    break;
                case 4:
                    sb[at] = (char)random.Next(1, 0x3000);
                    break;
                default:
                    var other = random.Next(sb.Length);
                    (sb[at], sb[other]) = (sb[other], sb[at]);
                    break;
            }
        }
        return sb.ToString();
    }
}
