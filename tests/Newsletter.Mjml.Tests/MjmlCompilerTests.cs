using System.Globalization;

namespace Newsletter.Mjml.Tests;

public sealed class MjmlCompilerTests
{
    private static readonly MjmlCompiler Compiler = new();

    private const string ThreeColumns = """
        <mjml>
          <mj-body>
            <mj-section>
              <mj-column><mj-text>一</mj-text></mj-column>
              <mj-column><mj-text>二</mj-text></mj-column>
              <mj-column><mj-text>三</mj-text></mj-column>
            </mj-section>
          </mj-body>
        </mjml>
        """;

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("de-DE")]
    [InlineData("")]
    public void Fractional_widths_are_printed_the_JavaScript_way_in_any_culture(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            var html = Compiler.Compile(ThreeColumns).Html;
            Assert.Contains("width:33.333333333333336% !important", html, StringComparison.Ordinal);
            Assert.Contains("mj-column-per-33-333333333333336", html, StringComparison.Ordinal);
            Assert.Contains("width:200px", html, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Chinese_text_passes_through_unchanged()
    {
        var result = Compiler.Compile(ThreeColumns);
        Assert.False(result.Rejected);
        Assert.Empty(result.Errors);
        Assert.Contains(">一</div>", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_input_without_a_body_is_rejected_as_data()
    {
        var result = Compiler.Compile("<mjml><mj-head><mj-title>x</mj-title></mj-head></mjml>");
        Assert.True(result.Rejected);
        Assert.Equal("", result.Html);
        Assert.Contains(result.Errors, e => e.Message.StartsWith("Malformed MJML", StringComparison.Ordinal));
    }

    [Fact]
    public void Input_without_any_tag_is_rejected()
    {
        var result = Compiler.Compile("just text, no markup");
        Assert.True(result.Rejected);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Strict_validation_rejects_what_soft_validation_reports()
    {
        const string mjml = """
            <mjml>
              <mj-body>
                <mj-section vertical-align="middle">
                  <mj-column><mj-text>x</mj-text></mj-column>
                </mj-section>
              </mj-body>
            </mjml>
            """;
        var soft = Compiler.Compile(mjml);
        Assert.False(soft.Rejected);
        var error = Assert.Single(soft.Errors);
        Assert.Equal(new MjmlError(3, "mj-section", "Attribute vertical-align is illegal"), error);
        Assert.NotEqual("", soft.Html);

        var strict = Compiler.Compile(mjml, new MjmlOptions { Validation = MjmlValidationLevel.Strict });
        Assert.True(strict.Rejected);
        Assert.Equal("", strict.Html);
        Assert.Equal(error, Assert.Single(strict.Errors));

        var skip = Compiler.Compile(mjml, new MjmlOptions { Validation = MjmlValidationLevel.Skip });
        Assert.Empty(skip.Errors);
        Assert.False(skip.Rejected);
    }

    [Fact]
    public void Unknown_tags_and_illegal_nesting_are_reported_with_lines()
    {
        const string mjml = "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-foo></mj-foo>\n<mj-section></mj-section>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>";
        var result = Compiler.Compile(mjml);
        Assert.Contains(new MjmlError(5, "mj-foo", "Element mj-foo doesn't exist or is not registered"), result.Errors);
        Assert.Contains(result.Errors, e => e.Line == 6 && e.TagName == "mj-section" && e.Message.StartsWith("mj-section cannot be used inside mj-column", StringComparison.Ordinal));
    }

    [Fact]
    public void Comments_are_kept_unless_disabled()
    {
        const string mjml = "<mjml><mj-body><mj-section><mj-column><!-- 备注 --><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>";
        Assert.Contains("<!-- 备注 -->", Compiler.Compile(mjml).Html, StringComparison.Ordinal);
        Assert.DoesNotContain("备注", Compiler.Compile(mjml, new MjmlOptions { KeepComments = false }).Html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_compiler_is_safe_to_share_between_threads()
    {
        var expected = Compiler.Compile(ThreeColumns).Html;
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = Compiler.Compile(ThreeColumns).Html);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Id_generator_makes_navbar_output_deterministic()
    {
        const string mjml = "<mjml><mj-body><mj-section><mj-column><mj-navbar hamburger=\"hamburger\"><mj-navbar-link href=\"/a\">A</mj-navbar-link></mj-navbar></mj-column></mj-section></mj-body></mjml>";
        var options = new MjmlOptions { IdGenerator = () => "00000000000000aa" };
        var first = Compiler.Compile(mjml, options).Html;
        Assert.Equal(first, Compiler.Compile(mjml, options).Html);
        Assert.Contains("id=\"00000000000000aa\"", first, StringComparison.Ordinal);
    }
}
