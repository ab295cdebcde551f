using System.Diagnostics;
using System.Text;
using Newsletter.Testing;

namespace Newsletter.Mjml.Tests.Reference;

/// <summary>
/// Needs node's mjml 5.4.1 (tests/run.sh installs it): templates the corpus does not hold, rendered by the real mjml,
/// compared with ours; and our C# comparer checked against the corpus's tools/normalize.js on the same pairs.
/// </summary>
[Requires("node-mjml")]
public sealed class NodeMjmlTests : IDisposable
{
    private static readonly MjmlCompiler Compiler = new();
    private readonly MjmlReference _node = new();
    private readonly TempDirectory _temp = new("mjml-node");

    public void Dispose()
    {
        _node.Dispose();
        _temp.Dispose();
    }

    public static IEnumerable<object[]> Templates() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reference", "Templates"), "*.mjml").Order(StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    private static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "Templates", name), new UTF8Encoding(false));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Our_output_equals_node_mjml_and_both_comparers_agree(string name)
    {
        var mjml = Load(name);
        var expected = _node.Render(mjml);
        var ours = Compiler.Compile(mjml);
        Assert.False(ours.Rejected);

        var comparison = HtmlComparer.Compare(expected, ours.Html);
        Assert.True(comparison.Equal, comparison.ToString());
        Assert.True(NormalizeJsSaysEqual(expected, ours.Html), "tools/normalize.js disagrees: it finds a difference");

        // A one-attribute change must be caught by both.
        var damaged = ours.Html.Replace("role=\"presentation\"", "role=\"none\"", StringComparison.Ordinal);
        Assert.NotEqual(ours.Html, damaged);
        Assert.False(HtmlComparer.Compare(expected, damaged).Equal);
        Assert.False(NormalizeJsSaysEqual(expected, damaged));
    }

    [Fact]
    public void Both_comparers_agree_on_whitespace_order_and_conditional_comment_variants()
    {
        const string a = "<div class=\"b a\" style=\"color : red;margin:0\">  x   y </div><!--[if mso | IE]><table><tr><td><![endif]--><!--[if mso | IE]></td></tr></table><![endif]-->";
        const string same = "<div style=\"color:red; margin:0;\" class=\"a  b\">x y</div>\n<!--[if mso | IE]><table><tr><td></td></tr></table><![endif]-->";
        const string reordered = "<div style=\"margin:0;color:red\" class=\"a b\">x y</div>";
        Assert.True(HtmlComparer.Compare(a, same).Equal, HtmlComparer.Compare(a, same).ToString());
        Assert.True(NormalizeJsSaysEqual(a, same));
        Assert.False(HtmlComparer.Compare(a, reordered).Equal);
        Assert.False(NormalizeJsSaysEqual(a, reordered));
    }

    private bool NormalizeJsSaysEqual(string expected, string actual)
    {
        var e = _temp.File(Guid.NewGuid().ToString("N") + ".html");
        var a = _temp.File(Guid.NewGuid().ToString("N") + ".html");
        File.WriteAllText(e, expected, new UTF8Encoding(false));
        File.WriteAllText(a, actual, new UTF8Encoding(false));
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestEnvironment.MjmlCorpusDirectory, "tools", "normalize.js"));
        start.ArgumentList.Add(e);
        start.ArgumentList.Add(a);
        start.Environment["NODE_PATH"] = TestEnvironment.MjmlNodeModules;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "normalize.js did not finish");
        Assert.True(process.ExitCode is 0 or 1, $"normalize.js failed: {error.Result}");
        _ = output.Result;
        return process.ExitCode == 0;
    }
}
