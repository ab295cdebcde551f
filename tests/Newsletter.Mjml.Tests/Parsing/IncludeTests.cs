using Newsletter.Testing;

namespace Newsletter.Mjml.Tests.Parsing;

public sealed class IncludeTests : IDisposable
{
    private static readonly MjmlCompiler Compiler = new();
    private readonly TempDirectory _dir = new("mjml-include");
    private readonly string _templates;
    private readonly string _secret;

    public IncludeTests()
    {
        _templates = Path.Combine(_dir.Path, "templates");
        Directory.CreateDirectory(Path.Combine(_templates, "partials"));
        File.WriteAllText(Path.Combine(_templates, "partials", "header.mjml"), "<mj-section><mj-column><mj-text>页眉 header</mj-text></mj-column></mj-section>");
        File.WriteAllText(Path.Combine(_templates, "partials", "styles.css"), ".x { color: red; }");
        File.WriteAllText(Path.Combine(_templates, "partials", "loop-a.mjml"), "<mj-include path=\"./loop-b.mjml\" />");
        File.WriteAllText(Path.Combine(_templates, "partials", "loop-b.mjml"), "<mj-include path=\"./loop-a.mjml\" />");
        _secret = Path.Combine(_dir.Path, "secret.mjml");
        File.WriteAllText(_secret, "<mj-section><mj-column><mj-text>TOP SECRET</mj-text></mj-column></mj-section>");
    }

    public void Dispose() => _dir.Dispose();

    private MjmlOptions Enabled => new() { IncludeDirectory = _templates };

    private static string Body(string inner) => $"<mjml><mj-body>{inner}</mj-body></mjml>";

    [Fact]
    public void Includes_are_ignored_unless_a_folder_is_allowed()
    {
        var result = Compiler.Compile(Body("<mj-include path=\"partials/header.mjml\" />"));
        Assert.False(result.Rejected);
        Assert.DoesNotContain("header", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partial_inside_the_folder_is_included()
    {
        var result = Compiler.Compile(Body("<mj-include path=\"partials/header.mjml\" />"), Enabled);
        Assert.Empty(result.Errors);
        Assert.Contains("页眉 header", result.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../secret.mjml")]
    [InlineData("partials/../../secret.mjml")]
    [InlineData("%2e%2e/secret.mjml")]
    [InlineData("%252e%252e%252fsecret.mjml")]
    public void Paths_leaving_the_folder_are_denied(string path)
    {
        var result = Compiler.Compile(Body($"<mj-include path=\"{path}\" />"), Enabled);
        Assert.DoesNotContain("TOP SECRET", result.Html, StringComparison.Ordinal);
        Assert.Contains("<!-- mj-include denied -->", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Absolute_paths_are_denied()
    {
        var result = Compiler.Compile(Body($"<mj-include path=\"{_secret}\" />"), Enabled);
        Assert.DoesNotContain("TOP SECRET", result.Html, StringComparison.Ordinal);
        Assert.Contains("<!-- mj-include denied -->", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Symbolic_links_out_of_the_folder_are_denied()
    {
        var link = Path.Combine(_templates, "partials", "link.mjml");
        File.CreateSymbolicLink(link, _secret);
        var result = Compiler.Compile(Body("<mj-include path=\"partials/link.mjml\" />"), Enabled);
        Assert.DoesNotContain("TOP SECRET", result.Html, StringComparison.Ordinal);
        Assert.Contains("<!-- mj-include denied -->", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_line()
    {
        var result = Compiler.Compile("<mjml>\n<mj-body>\n<mj-include path=\"partials/nope.mjml\" />\n</mj-body>\n</mjml>", Enabled);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("mj-include fails to read file : partials/nope.mjml at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Css_includes_become_head_styles()
    {
        var result = Compiler.Compile(Body("<mj-include path=\"partials/styles.css\" type=\"css\" /><mj-section><mj-column><mj-text css-class=\"x\">t</mj-text></mj-column></mj-section>"), Enabled);
        Assert.Contains(".x { color: red; }", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Circular_includes_reject_the_input()
    {
        var result = Compiler.Compile(Body("<mj-include path=\"partials/loop-a.mjml\" />"), Enabled);
        Assert.True(result.Rejected);
        Assert.Contains(result.Errors, e => e.Message.StartsWith("Circular inclusion detected", StringComparison.Ordinal));
    }
}
