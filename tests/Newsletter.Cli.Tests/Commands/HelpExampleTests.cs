using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Every example of every command's help, copied as printed (issue 19: <c>--at 2026-12-10 09:00</c> and
/// <c>--cron 0 0 9 ? * MON</c> were printed unquoted and failed when pasted): the help is read in-process, each example
/// is split as a POSIX shell splits it, and the real command tree parses and binds it, stopping just before the command
/// would run. A usage error fails the test with the example and the error.
/// </summary>
[Collection("Console")]
[Newsletter.Testing.Slow]   // a `newsletter <command> --help` process per command (issue 16: the fast loop leaves it out)
public sealed partial class HelpExampleTests
{
    [Fact]
    public async Task Every_help_example_binds_as_printed()
    {
        // The help as a user reads it: the CLI as a child process, in the default language (the examples are the same in both).
        using var workspace = Newsletter.Testing.CliProcess.NewWorkspace();
        var chinese = new Dictionary<string, string> { ["NEWSLETTER_LANG"] = "zh-CN" };
        var examples = new List<string>();
        var pending = new Queue<string[]>([[]]);
        var visited = new HashSet<string>();
        var helps = new List<string>();
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            if (!visited.Add(string.Join(' ', path))) continue;
            var result = Newsletter.Testing.CliProcess.Run(workspace.Path, chinese, [.. path, "--help"]);
            var help = Ansi().Replace(result.Stdout, "");
            helps.Add(help);
            Assert.True(result.ExitCode == 0, $"newsletter {string.Join(' ', path)} --help: {result}");
            foreach (var name in Section(help, "命令列表:").Select(l => CommandName().Match(l)).Where(m => m.Success))
            {
                pending.Enqueue([.. path, name.Groups[1].Value]);
            }
            examples.AddRange(JoinContinuations(Section(help, "示例:")));
        }

        var distinct = examples.Distinct().ToList();
        Assert.True(distinct.Count >= 40, $"only {distinct.Count} examples found: {string.Join('\n', distinct)}\n{string.Join('\n', helps.Take(2))}");
        Assert.Contains(distinct, e => e.Contains("--at \"2026-", StringComparison.Ordinal));
        var failures = new List<string>();
        foreach (var example in distinct)
        {
            var args = ShellWords(example);
            Assert.Equal("newsletter", args[0]);
            try
            {
                var app = NewsletterApp.Create(config => config.SetInterceptor(new StopBeforeRunning()));
                await app.RunAsync(args.Skip(1).ToArray());
                failures.Add($"{example}: ran instead of stopping after binding");
            }
            catch (Bound)
            {
                // parsed and bound: the example is a valid command line
            }
            catch (Exception e)
            {
                failures.Add($"{example}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void An_argument_with_a_space_is_quoted_and_a_long_example_continues_on_the_next_line()
    {
        var lines = HelpText.Lines(["newsletter", "schedule", "seeds/sample-issue.md", "--at", "2026-12-10 09:00", "--segments", "municipal,county", "--district", "禹州市,长葛市", "--industry", "新材料"], 80).ToList();

        Assert.True(lines.Count >= 2, string.Join('\n', lines));
        Assert.All(lines, l => Assert.True(HelpText.Columns(l) <= 80, l));
        Assert.Contains("--at \"2026-12-10 09:00\"", string.Join(' ', lines), StringComparison.Ordinal);
        Assert.Equal(
            ["newsletter", "schedule", "seeds/sample-issue.md", "--at", "2026-12-10 09:00", "--segments", "municipal,county", "--district", "禹州市,长葛市", "--industry", "新材料"],
            ShellWords(JoinContinuations(lines).Single()));
    }

    private sealed class Bound : Exception;

    /// <summary>Runs after Spectre bound the settings (and checks them as Spectre would), instead of the command.</summary>
    private sealed class StopBeforeRunning : ICommandInterceptor
    {
        public void Intercept(CommandContext context, CommandSettings settings)
        {
            var validation = settings.Validate();
            if (!validation.Successful)
            {
                throw new InvalidOperationException($"settings refused: {validation.Message}");
            }
            throw new Bound();
        }
    }

    /// <summary>The lines of the help section under <paramref name="header"/>, up to the next blank line.</summary>
    private static IEnumerable<string> Section(string help, string header)
    {
        var lines = help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.Trim() == header);
        if (start < 0) yield break;
        for (var i = start + 1; i < lines.Count && lines[i].Trim().Length > 0; i++)
        {
            yield return lines[i];
        }
    }

    /// <summary>Example lines with their <c> \</c> continuations joined, as the shell reads them.</summary>
    private static IEnumerable<string> JoinContinuations(IEnumerable<string> lines)
    {
        var current = new StringBuilder();
        foreach (var line in lines)
        {
            var text = line.Trim();
            if (text.EndsWith(" \\", StringComparison.Ordinal))
            {
                current.Append(text[..^2]).Append(' ');
                continue;
            }
            current.Append(text);
            yield return current.ToString();
            current.Clear();
        }
    }

    /// <summary>A POSIX shell's word splitting of a line: double and single quotes, backslash escapes.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                inWord = true;
                for (i++; i < line.Length && line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`') i++;
                    word.Append(line[i]);
                }
            }
            else if (c == '\'')
            {
                inWord = true;
                for (i++; i < line.Length && line[i] != '\''; i++) word.Append(line[i]);
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                inWord = true;
                word.Append(line[++i]);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                Assert.DoesNotContain(c, "*?;&|<>()$`"); // a shell would treat it specially: it must have been quoted
                inWord = true;
                word.Append(c);
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    /// <summary>A command's line in a COMMANDS section: four spaces, then its name.</summary>
    [GeneratedRegex(@"^ {4}([a-z][a-z-]*)")]
    private static partial Regex CommandName();
}
