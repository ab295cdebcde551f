using System.Text;
using Newsletter.Core.Issues;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Issues;

public sealed class IssueLoaderTests : IDisposable
{
    private readonly TempDirectory temp = new("issue-loader");

    private const string Markdown = "---\naudiences: [county]\n---\n## 编者的话\n\n许昌市科学技术情报研究所是隶属于市科技局的事业单位。\n";

    static IssueLoaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => temp.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Markdown_files_go_to_the_parser_and_text_files_to_the_importer()
    {
        var md = IssueLoader.Load(Write("a.md", Encoding.UTF8.GetBytes(Markdown)));
        var txt = IssueLoader.Load(Seeds.Text);

        Assert.True(md.Succeeded);
        Assert.Equal(["county"], md.Issue!.Metadata.Audiences);
        Assert.True(txt.Succeeded);
        Assert.True(txt.Issue!.Metadata.IsSample);
        Assert.Equal(Seeds.Text, txt.Issue.SourcePath);
    }

    [Fact]
    public void A_utf8_bom_is_skipped_and_lines_are_unchanged()
    {
        var result = IssueLoader.Load(Write("bom.md", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Markdown)]));

        Assert.True(result.Succeeded);
        Assert.Equal(4, result.Issue!.Sections[0].Line);
        Assert.Equal("编者的话", result.Issue.Sections[0].Title);
    }

    [Fact]
    public void A_gbk_encoded_bulletin_reads_like_the_utf8_one()
    {
        var text = File.ReadAllText(Seeds.Text, Encoding.UTF8);
        var gbk = Encoding.GetEncoding("GBK").GetBytes(text);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gbk)); // really not UTF-8

        var fromGbk = IssueLoader.Load(Write("gbk.txt", gbk));
        var fromUtf8 = IssueLoader.Load(Seeds.Text);

        Assert.Empty(fromGbk.Errors);
        Assert.Equal(IssueShape.Of(fromUtf8.Issue!), IssueShape.Of(fromGbk.Issue!));
    }

    [Fact]
    public void A_gb18030_markdown_file_is_decoded()
    {
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(Markdown);

        var result = IssueLoader.Load(Write("gb.md", bytes));

        Assert.True(result.Succeeded);
        Assert.StartsWith("许昌市科学技术情报研究所", result.Issue!.Sections[0].Paragraphs[0].Text);
    }

    [Fact]
    public void A_utf16_file_with_bom_is_decoded()
    {
        var result = IssueLoader.Load(Write("u16.md", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Markdown)).ToArray()));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void An_empty_file_is_an_error()
    {
        var path = Write("empty.md", []);

        var error = Assert.Single(IssueLoader.Load(path).Errors);

        Assert.Equal((path, 0), (error.File, error.Line));
        Assert.Contains("empty", error.Message);
        Assert.Equal($"{path}: the file is empty — {error.Hint}", error.ToString());
    }

    [Fact]
    public void A_file_of_blank_lines_is_an_error()
    {
        var error = Assert.Single(IssueLoader.Load(Write("blank.txt", Encoding.UTF8.GetBytes(" \n\u3000\n\r\n"))).Errors);

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void A_binary_file_is_an_error()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 };

        var result = IssueLoader.Load(Write("image.md", png));

        Assert.Null(result.Issue);
        Assert.Contains("binary", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Control_characters_without_nul_are_binary_too()
    {
        var bytes = Enumerable.Range(0, 400).Select(i => (byte)(i % 3 == 0 ? 0x01 + i % 8 : 'a')).ToArray();

        var result = IssueLoader.Load(Write("controls.txt", bytes));

        Assert.Contains("binary", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Bytes_valid_in_neither_utf8_nor_gb18030_are_an_error()
    {
        // 0x80 and 0xFF are lead bytes in neither encoding; no NUL or control byte, so this is not "binary".
        var bytes = Encoding.ASCII.GetBytes("## title\n\n").Concat(new byte[] { 0x80, 0xFF, 0xC3, 0x28, 0x80, 0xFF, 0x20 }).ToArray();

        var result = IssueLoader.Load(Write("garbage.md", bytes));

        Assert.Null(result.Issue);
        var error = Assert.Single(result.Errors);
        Assert.Contains("neither UTF-8 nor GB18030", error.Message);
        Assert.Contains("UTF-8", error.Hint);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        var path = temp.File("missing.md");

        Assert.Contains("does not exist", Assert.Single(IssueLoader.Load(path).Errors).Message);
    }

    [Fact]
    public void An_unknown_extension_is_an_error()
    {
        var path = Write("issue.pdf", Encoding.UTF8.GetBytes(Markdown));

        var error = Assert.Single(IssueLoader.Load(path).Errors);

        Assert.Contains(".pdf", error.Message);
        Assert.Contains(".md", error.Hint);
        Assert.Contains(".docx", error.Hint);
    }

    [Fact]
    public void Parse_errors_keep_the_path_and_line()
    {
        var path = Write("bad.md", Encoding.UTF8.GetBytes("---\naudiences: [county]\n---\n### 文章\n\n正文。\n"));

        var error = Assert.Single(IssueLoader.Load(path).Errors);

        Assert.Equal((path, 4), (error.File, error.Line));
    }
}
