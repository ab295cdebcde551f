using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary><c>issue import bulletin.docx</c> and <c>publish bulletin.docx</c> as a user runs them (a child process).</summary>
[Slow]
public sealed class IssueDocxImportTests : IDisposable
{
    private readonly TempDirectory temp = new("issue-docx");

    public void Dispose() => temp.Dispose();

    private Dictionary<string, string> Environment => new()
    {
        ["NEWSLETTER_HOME"] = temp.File("home"),
        ["NEWSLETTER_Security__TokenSecret"] = CampaignsWorkspace.Secret,
    };

    private string Bulletin() => new DocxBuilder()
        .Paragraph("《许昌竞争情报快递》")
        .Paragraph("2024年第9期（总第120期）")
        .Paragraph("2024年9月15日")
        .Heading(1, "行业动态")
        .Heading(2, "西安高新区打通成果转化“最初一公里”")
        .Paragraph("全文见", new DocxRun("科技日报", Url: "https://www.stdaily.com/"), "，", new DocxRun("关键", Bold: true), "在于转化。")
        .Image("图片 1")
        .Heading(3, "数据一览")
        .Table(["指标", "数值"], ["技术合同成交额", "12亿元"])
        .Save(temp.File("bulletin.docx"));

    [Fact]
    public void Import_writes_markdown_that_validates_and_reports_styles_and_dropped_images()
    {
        var input = Bulletin();
        var output = temp.File("issue.md");

        var import = CliProcess.Run(temp.Path, Environment, "issue", "import", input, "-o", output);

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("Word document; Word heading styles: 标题 1 → section, 标题 2 → article, 标题 3 → subheading", import.Stdout);
        Assert.Contains("image '图片 1'", import.Stdout);
        Assert.Contains("image dropped", import.Stdout);
        Assert.Contains("1 sections, 1 articles, 1 subheadings", import.Stdout);
        Assert.Contains("1 image(s) dropped", import.Stdout);
        Assert.Contains("期号: 2024年第9期（总第120期） (paragraph 2)", import.Stdout);
        Assert.Contains("date: 2024-09-15 (paragraph 3)", import.Stdout);
        var markdown = File.ReadAllText(output);
        Assert.Contains("\n## 行业动态\n", markdown);
        Assert.Contains("\n#### 数据一览\n", markdown);
        Assert.Contains("全文见[科技日报](<https://www.stdaily.com/>)，**关键**在于转化。", markdown);
        Assert.Contains("\n| 指标 | 数值 |\n| --- | --- |\n| 技术合同成交额 | 12亿元 |\n", markdown);

        var validate = CliProcess.Run(temp.Path, Environment, "issue", "validate", output);
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }

    [Fact]
    public void Publish_takes_the_docx_and_the_email_keeps_bold_and_links()
    {
        var input = Bulletin();

        var publish = CliProcess.Run(temp.Path, Environment, "publish", input, "--segments", "municipal");

        Assert.True(publish.ExitCode == 0, publish.ToString());
        var preview = File.ReadAllText(Path.Combine(temp.File("home"), "preview", "campaign-1", "municipal.html"));
        Assert.Contains("<strong>关键</strong>", preview);
        Assert.Contains("href=\"https://www.stdaily.com/", preview);
        Assert.Contains("2024年第9期", preview);
        Assert.Matches("<th [^>]*>指标</th>", preview);
        Assert.Matches("<td [^>]*>技术合同成交额</td>", preview);
    }

    [Fact]
    public void A_word_97_file_is_told_to_be_saved_as_docx_and_nothing_is_written()
    {
        var input = temp.File("bulletin.doc");
        File.WriteAllBytes(input, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]);

        var import = CliProcess.Run(temp.Path, Environment, "issue", "import", input, "-o", temp.File("issue.md"));

        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.StartsWith($"error: {input}: '.doc' is a Word 97–2003 or WPS document", import.Errors);
        Assert.Contains("save it as .docx", import.Errors);
        Assert.False(File.Exists(temp.File("issue.md")));
    }
}
