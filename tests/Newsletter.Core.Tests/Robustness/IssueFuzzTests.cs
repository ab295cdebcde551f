using Newsletter.Core.Issues;
using Newsletter.Core.Tests.Issues;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Robustness;

/// <summary>
/// Fuzzing of both issue formats (issue 14): seeded mutations of the seed bulletin and of its Markdown, and the hostile
/// inputs of the attack pass. Every call returns (a deadline, see <see cref="Fuzz"/>), no exception escapes, and the
/// result is either an issue without errors or errors without an issue, each with a position in the file.
/// </summary>
[Slow]
public sealed class IssueFuzzTests
{
    private const int Mutations = 300;

    private static void Check(string text, string path)
    {
        var result = Fuzz.Call(path, text, _ =>
        {
            var parsed = IssueLoader.Parse(text, path);
            if (parsed.Issue is not null) new IssueValidator().Check(parsed.Issue);
            return parsed;
        });
        Assert.True(result.Issue is null == result.Errors.Count > 0, $"issue and errors disagree for {path}");
        Assert.All(result.Errors, e =>
        {
            Assert.Equal(path, e.File);
            Assert.True(e.Line >= 0 && e.Message.Length > 0, e.ToString());
        });
    }

    [Fact]
    public void Mutations_of_the_markdown_seed_never_throw_or_hang()
    {
        var seed = File.ReadAllText(Seeds.Markdown);
        var random = new Random(1401);
        for (var i = 0; i < Mutations; i++) Check(Fuzz.Mutate(seed, random), "fuzz.md");
    }

    [Fact]
    public void Mutations_of_the_text_seed_never_throw_or_hang()
    {
        var seed = File.ReadAllText(Seeds.Text);
        var random = new Random(1402);
        for (var i = 0; i < Mutations; i++) Check(Fuzz.Mutate(seed, random), "fuzz.txt");
    }

    [Fact]
    public void Raw_bytes_mutated_never_throw_or_hang()
    {
        var seeds = new[] { File.ReadAllBytes(Seeds.Markdown), File.ReadAllBytes(Seeds.Text) };
        var random = new Random(1403);
        for (var i = 0; i < 100; i++)
        {
            var bytes = Fuzz.Mutate(seeds[i % 2], random);
            var path = i % 2 == 0 ? "bytes.md" : "bytes.txt";
            var result = Fuzz.Call(path, bytes, _ => IssueLoader.Read(bytes, path));
            Assert.True(result.Issue is null == result.Errors.Count > 0);
        }
    }

    private const string Head = "---\ntitle: t\nnumber: 2024年第8期\ndate: 2024-08-15\naudiences: [municipal]\n---\n## 编者的话\n\n";

    public static TheoryData<string, string> Hostile() => new()
    {
        { "emphasis-320k", Head + new string('*', 160_000) + "a" + new string('*', 160_000) + "\n" },
        { "emphasis-in-a-line", Head + new string('*', 9_999) + "a" + new string('*', 9_999) + "\n" },
        { "underscores-in-a-line", Head + new string('_', 9_999) + "a" + new string('_', 9_999) + "\n" },
        { "brackets-100k", Head + new string('[', 100_000) + "\n" },
        { "brackets-over-lines", Head + string.Concat(Enumerable.Repeat(new string('[', 10_000) + "\n", 10)) },
        { "links-over-lines", Head + string.Concat(Enumerable.Repeat(string.Concat(Enumerable.Repeat("[a", 5_000)) + "\n", 10)) },
        { "quotes", Head + new string('>', 10_000) + " a\n" },
        { "lists", Head + string.Concat(Enumerable.Repeat("- ", 9_000)) + "a\n" },
        { "yaml-nesting", "---\ntitle: " + new string('[', 10_000) + new string(']', 10_000) + "\n---\n## 编者的话\n" },
        { "many-sections", Head + string.Concat(Enumerable.Range(0, 150).Select(i => $"## 节{i}\n\n段落\n\n")) },
        { "many-articles", Head + string.Concat(Enumerable.Range(0, 1_200).Select(i => $"### 文{i}\n\n段落\n\n")) },
        { "one-huge-line", Head + new string('字', 2_000_000) + "\n" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_markdown_is_an_error_with_a_line(string name, string text)
    {
        var result = Fuzz.Call(name, text, _ => IssueLoader.Parse(text, name + ".md"));
        var error = Assert.Single(result.Errors);
        Assert.Null(result.Issue);
        Assert.True(error.Line > 0, error.ToString());
    }

    [Fact]
    public void A_yaml_alias_bomb_in_the_front_matter_returns()
    {
        // Aliases are kept as references, never expanded: 9^9 values named in a few lines cost nothing.
        var yaml = "---\na0: &a0 [x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 8).Select(i =>
            $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n")) + "---\n## 编者的话\n\n段落\n";
        var result = Fuzz.Call("yaml-aliases", yaml, _ => IssueLoader.Parse(yaml, "aliases.md"));
        Assert.NotNull(result.Issue);
        Assert.Contains(new IssueValidator().Check(result.Issue), e => e.Message.Contains("a8", StringComparison.Ordinal));
    }

    [Fact]
    public void Hostile_text_bulletins_return()
    {
        foreach (var text in new[] { new string('[', 100_000), " ●编者的话\n" + new string('*', 19_999) + "\n", string.Concat(Enumerable.Repeat(" ●节\n", 50_000)) })
        {
            var result = Fuzz.Call("hostile.txt", text, _ => IssueLoader.Parse(text, "hostile.txt"));
            Assert.True(result.Issue is null == result.Errors.Count > 0);
        }
    }

    [Fact]
    public void Nesting_within_the_limit_still_renders()
    {
        var depth = InputLimits.MaxInlineNesting / 2;
        var text = Head + new string('*', depth) + "重点" + new string('*', depth) + "\n";
        var result = IssueLoader.Parse(text, "ok.md");
        Assert.Empty(result.Errors);
        Assert.Contains("<strong><strong>", result.Issue!.Sections[0].Paragraphs[0].Html);
    }
}
