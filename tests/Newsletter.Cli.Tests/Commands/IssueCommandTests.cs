using System.Text;
using Newsletter.Cli.Infrastructure;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

[Collection("Console")]
public sealed class IssueCommandTests : IDisposable
{
    private readonly TempDirectory temp = new("issue-cli");

    private static string SeedText => Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "000_d7cfb1a0bdf40954.txt");

    private static string SeedMarkdown => Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md");

    public void Dispose() => temp.Dispose();

    private static Task<(int Exit, string Out, string Error)> Run(params string[] args) => InProcessCli.RunAsync(args);

    private string Write(string name, string text)
    {
        var path = temp.File(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task Import_writes_markdown_and_prints_its_decisions()
    {
        var output = temp.File("out/issue.md");

        var (exit, stdout, stderr) = await Run("issue", "import", SeedText, "-o", output);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        foreach (var heading in new[] { "编者的话", "行业动态", "行业趋势", "引进科研平台", "共赴美好未来", "西安高新区打通成果转化“最初一公里”" })
        {
            Assert.Contains(heading, stdout);
        }
        Assert.Contains("3 sections, 3 articles, 6 subheadings", stdout);
        var markdown = File.ReadAllText(output);
        Assert.StartsWith("---\n", markdown);
        Assert.Contains("\n#### 引进科研平台\n", markdown);
        Assert.Contains("sample: true", markdown);
    }

    [Fact]
    public async Task Import_output_validates()
    {
        var output = temp.File("issue.md");
        await Run("issue", "import", SeedText, "-o", output);

        var (exit, stdout, _) = await ValidateAsync(output);

        Assert.Equal(0, exit);
        Assert.Contains("ok", stdout);
    }

    [Fact]
    public async Task Import_refuses_to_overwrite_without_force()
    {
        var output = Write("existing.md", "keep me");

        var (exit, _, stderr) = await Run("issue", "import", SeedText, "-o", output);

        Assert.Equal(1, exit);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.StartsWith($"error: {output} already exists — ", stderr);
        Assert.Contains("--force", stderr);

        var (forced, _, _) = await Run("issue", "import", SeedText, "-o", output, "--force");

        Assert.Equal(0, forced);
        Assert.Contains("## 行业动态", File.ReadAllText(output));
    }

    [Fact]
    public async Task Import_flags_lines_it_is_unsure_of()
    {
        var input = Write("b.txt", "●行业动态\n这是一个足够长的文章标题用来测试\n正文。\n十个字的小标题在这里\n正文二。\n");

        var (exit, stdout, _) = await Run("issue", "import", input, "-o", temp.File("b.md"));

        Assert.Equal(0, exit);
        var flagged = stdout.Split('\n').Where(l => l.StartsWith('?')).ToList();
        Assert.Contains("十个字的小标题在这里", Assert.Single(flagged));
        Assert.Contains("1 line(s) to check", stdout);
    }

    [Fact]
    public async Task Import_defaults_the_output_to_the_input_name_with_md()
    {
        var input = Write("bulletin.txt", "●编者的话\n正文。\n");

        var (exit, _, _) = await Run("issue", "import", input);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(temp.File("bulletin.md")));
    }

    [Fact]
    public async Task Import_of_a_bad_file_prints_file_line_errors_and_writes_nothing()
    {
        var input = Write("bad.txt", "●编者的话\n正文。\n●\n正文。\n");
        var output = temp.File("bad.md");

        var (exit, _, stderr) = await Run("issue", "import", input, "-o", output);

        Assert.Equal(1, exit);
        Assert.Contains($"{input}:3: ", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Import_rejects_a_markdown_input()
    {
        var (exit, _, stderr) = await Run("issue", "import", SeedMarkdown, "-o", temp.File("x.md"));

        Assert.Equal(1, exit);
        Assert.Contains(".txt", stderr);
    }

    [Fact]
    public async Task Validate_accepts_the_seeds()
    {
        var (md, mdOut, _) = await ValidateAsync(SeedMarkdown);
        var (txt, txtOut, _) = await ValidateAsync(SeedText);

        Assert.Equal((0, 0), (md, txt));
        Assert.Contains("3 sections, 3 articles", mdOut);
        Assert.Contains("3 sections, 3 articles", txtOut);
    }

    /// <summary>
    /// <c>issue validate</c> reads the segments from the store (issue 16): run it on a home of its own (not the
    /// checkout's data folder), and leave out the line naming the database.
    /// </summary>
    private async Task<(int Exit, string Out, string Error)> ValidateAsync(string path)
    {
        var config = temp.File("validate-home.json");
        File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new { Home = temp.File("home") }));
        var (exit, stdout, stderr) = await Run("issue", "validate", path, "--config", config);
        return (exit, stdout, string.Join('\n', stderr.Split('\n').Where(l => !l.StartsWith("database: ", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Validate_prints_every_error_as_file_line_message_and_exits_1()
    {
        var path = Write("bad.md", "---\naudiences: [countyy]\ncolour: red\n---\n## 编者的话\n\n正文。\n\n## 行业动态\n\n### 空文章\n");

        var (exit, stdout, stderr) = await ValidateAsync(path);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{path}:2: unknown audience 'countyy' — did you mean 'county'?", lines[0]);
        Assert.StartsWith($"{path}:3: unknown front-matter key 'colour'", lines[1]);
        Assert.StartsWith($"{path}:11: article '空文章' has no paragraphs", lines[2]);
        Assert.StartsWith("error: ", lines[3]);
        Assert.Contains("3 errors", lines[3]);
    }

    [Fact]
    public async Task Validate_reports_parse_errors_with_their_line()
    {
        var path = Write("order.md", "---\naudiences: [county]\n---\n### 文章\n\n正文。\n");

        var (exit, _, stderr) = await ValidateAsync(path);

        Assert.Equal(1, exit);
        Assert.StartsWith($"{path}:4: ", stderr);
    }

    [Fact]
    public async Task Validate_of_a_missing_file_is_a_one_line_user_error()
    {
        var (exit, _, stderr) = await ValidateAsync(temp.File("none.md"));

        Assert.Equal(1, exit);
        Assert.Contains("does not exist", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Validate_without_a_file_is_a_usage_error()
    {
        var (exit, _, _) = await Run("issue", "validate");

        Assert.Equal(2, exit);
    }
}
