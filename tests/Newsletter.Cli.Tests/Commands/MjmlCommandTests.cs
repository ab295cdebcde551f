using System.Text;
using Newsletter.Cli.Infrastructure;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

[Collection("Console")]
public sealed class MjmlCommandTests : IDisposable
{
    private const string Valid = "<mjml><mj-body><mj-section><mj-column><mj-text>你好，许昌</mj-text></mj-column></mj-section></mj-body></mjml>";
    private const string SoftErrors = "<mjml>\n<mj-body>\n<mj-section vertical-align=\"top\">\n<mj-column><mj-text>x</mj-text></mj-column>\n</mj-section>\n</mj-body>\n</mjml>";
    private readonly TempDirectory temp = new("mjml-cli");

    public void Dispose() => temp.Dispose();

    private static Task<(int Exit, string Out, string Error)> Run(params string[] args) => InProcessCli.RunAsync(args);

    private string Write(string name, string text, Encoding? encoding = null)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(text));
        return path;
    }

    [Fact]
    public async Task Without_output_the_html_goes_to_stdout()
    {
        var input = Write("a.mjml", Valid);
        var (exit, stdout, stderr) = await Run("mjml", input);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("<!doctype html>", stdout, StringComparison.Ordinal);
        Assert.Contains(">你好，许昌</div>", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_file_receives_the_html()
    {
        var input = Write("a.mjml", Valid);
        var output = temp.File("out/a.html");
        var (exit, stdout, _) = await Run("mjml", input, "-o", output);
        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        Assert.Contains("你好，许昌", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_inputs_go_to_a_folder_one_file_each()
    {
        var a = Write("a.mjml", Valid);
        var b = Write("b.mjml", Valid.Replace("你好", "再见", StringComparison.Ordinal));
        var folder = temp.File("html") + "/";
        var (exit, _, stderr) = await Run("mjml", a, b, "-o", folder);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("你好", File.ReadAllText(Path.Combine(folder, "a.html")), StringComparison.Ordinal);
        Assert.Contains("再见", File.ReadAllText(Path.Combine(folder, "b.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_inputs_into_one_file_is_refused()
    {
        var a = Write("a.mjml", Valid);
        var b = Write("b.mjml", Valid);
        var (exit, _, stderr) = await Run("mjml", a, b, "-o", temp.File("one.html"));
        Assert.Equal(1, exit);
        Assert.StartsWith("error: 2 inputs but -o", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Soft_errors_are_printed_as_file_line_message_and_html_is_still_produced()
    {
        var input = Write("soft.mjml", SoftErrors);
        var (exit, stdout, stderr) = await Run("mjml", input);
        Assert.Equal(0, exit);
        Assert.Equal($"{input}:3: Attribute vertical-align is illegal (mj-section)\n", stderr.ReplaceLineEndings("\n"));
        Assert.Contains("<!doctype html>", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_validation_rejects_with_exit_1()
    {
        var input = Write("strict.mjml", SoftErrors);
        var (exit, stdout, stderr) = await Run("mjml", input, "--validation", "strict");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains($"{input}:3: Attribute vertical-align is illegal (mj-section)", stderr, StringComparison.Ordinal);
        Assert.Contains($"error: {input}: not compiled", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_a_body_is_rejected_with_exit_1()
    {
        var input = Write("nobody.mjml", "<mjml><mj-head></mj-head></mjml>");
        var (exit, stdout, stderr) = await Run("mjml", input);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Malformed MJML", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_validation_level_is_a_usage_error()
    {
        var input = Write("a.mjml", Valid);
        var (exit, _, stderr) = await Run("mjml", input, "--validation", "loose");
        Assert.Equal(2, exit);
        Assert.Contains("--validation must be soft, strict or skip", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_user_error()
    {
        var (exit, _, stderr) = await Run("mjml", temp.File("nope.mjml"));
        Assert.Equal(1, exit);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gbk_input_is_read()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var input = Write("gbk.mjml", Valid, Encoding.GetEncoding("GB18030"));
        var (exit, stdout, _) = await Run("mjml", input);
        Assert.Equal(0, exit);
        Assert.Contains("你好，许昌", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_becomes_replacement_characters_as_in_node_and_the_output_equals_mjml()
    {
        // racoon.mjml holds eleven stray 0x80 bytes (Windows-1252 €): node reads each as U+FFFD, not as '?'.
        var corpus = Path.Combine(TestEnvironment.MjmlCorpusDirectory, "mjmlnet-tests");
        var output = temp.File("racoon.html");
        var (exit, _, stderr) = await Run("mjml", Path.Combine(corpus, "racoon.mjml"), "-o", output);
        Assert.True(exit == 0, stderr);
        var ours = File.ReadAllText(output);
        var expected = new UTF8Encoding(false, false).GetString(File.ReadAllBytes(Path.Combine(corpus, "racoon.expected.html")));
        Assert.Equal(11, ours.Count(c => c == '\uFFFD'));
        var comparison = HtmlComparer.Compare(expected, ours);
        Assert.True(comparison.Equal, comparison.ToString());
    }

    [Fact]
    public async Task Chinese_utf8_with_one_damaged_byte_stays_utf8()
    {
        var path = temp.File("damaged.mjml");
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("你好，许昌", "你好，许昌\u0001", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xFF;
        File.WriteAllBytes(path, bytes);
        var (exit, stdout, _) = await Run("mjml", path);
        Assert.Equal(0, exit);
        Assert.Contains("你好，许昌\uFFFD", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Minify_and_beautify_change_the_layout_only()
    {
        var input = Write("a.mjml", Valid);
        var (_, plain, _) = await Run("mjml", input);
        var (exitMin, minified, _) = await Run("mjml", input, "--minify");
        var (exitPretty, pretty, _) = await Run("mjml", input, "--beautify");
        Assert.Equal(0, exitMin);
        Assert.Equal(0, exitPretty);
        Assert.True(minified.Length < plain.Length, "minified output is shorter");
        Assert.True(HtmlComparer.Compare(plain, minified).Equal, HtmlComparer.Compare(plain, minified).ToString());
        Assert.True(HtmlComparer.Compare(plain, pretty).Equal, HtmlComparer.Compare(plain, pretty).ToString());
        Assert.NotEqual(plain, pretty);
    }
}
