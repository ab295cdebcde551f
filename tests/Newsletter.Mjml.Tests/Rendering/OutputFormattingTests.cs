using Newsletter.Mjml.Tests.Corpus;
using Newsletter.Testing;

namespace Newsletter.Mjml.Tests.Rendering;

/// <summary>--minify and --beautify change the layout of the document, never its structure.</summary>
public sealed class OutputFormattingTests
{
    private static readonly MjmlCompiler Compiler = new();
    private static readonly MjmlOptions Fixed = new() { IdGenerator = () => "00000000000000ab" };

    public static IEnumerable<object[]> Entries() => MjmlCorpus.Names("mjmlnet-tests").Concat(MjmlCorpus.Names("mjmlnet-bench"));

    [Theory]
    [MemberData(nameof(Entries))]
    public void Minified_and_beautified_outputs_are_structurally_equal_to_the_plain_one(string name)
    {
        var mjml = MjmlCorpus.Get(name).Mjml;
        var plain = Compiler.Compile(mjml, Fixed).Html;
        var minified = Compiler.Compile(mjml, Fixed with { Minify = true }).Html;
        var beautified = Compiler.Compile(mjml, Fixed with { Beautify = true }).Html;

        Assert.True(minified.Length < plain.Length, $"minified {minified.Length} >= plain {plain.Length}");
        var m = HtmlComparer.Compare(plain, minified);
        Assert.True(m.Equal, m.ToString());
        var b = HtmlComparer.Compare(plain, beautified);
        Assert.True(b.Equal, b.ToString());
        Assert.Contains("\n  <head>", beautified, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a { color : red ; }  /* note */ b , i { margin: 0 auto }", "a{color:red}b,i{margin:0 auto}")]
    [InlineData("@media only screen and (min-width:480px) { .x { width:100% !important; } }", "@media only screen and (min-width:480px){.x{width:100% !important}}")]
    [InlineData("a:hover { content: \"a ; b\" }", "a:hover{content:\"a ; b\"}")]
    [InlineData("td :first-child { color: red }", "td :first-child{color:red}")]
    public void Css_is_compacted_without_changing_meaning(string css, string expected) =>
        Assert.Equal(expected, PostProcessing.HtmlMinifier.MinifyCss(css));
}
