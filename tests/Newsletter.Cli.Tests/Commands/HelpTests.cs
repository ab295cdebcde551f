using System.Text.RegularExpressions;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// <c>--help</c> of every command, as a user runs it (the CLI as a child process), found by walking the COMMANDS
/// sections from the root: descriptions are Spectre markup, so a literal <c>[测试]</c> in one made its help a crash.
/// </summary>
[Slow]
public sealed partial class HelpTests
{
    [Fact]
    public void Every_command_prints_its_help()
    {
        using var workspace = CliProcess.NewWorkspace();
        var pending = new Queue<string[]>([[]]);
        var seen = new List<string>();
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            var result = CliProcess.Run(workspace.Path, null, [.. path, "--help"]);
            Assert.True(result.ExitCode == 0 && result.Stdout.Contains("USAGE:", StringComparison.Ordinal),
                $"newsletter {string.Join(' ', path)} --help exited {result.ExitCode}: {result.Stdout}{result.Stderr}");
            seen.Add(string.Join(' ', path));
            var commands = result.Stdout.IndexOf("COMMANDS:", StringComparison.Ordinal);
            if (commands >= 0)
            {
                foreach (Match name in CommandName().Matches(result.Stdout[commands..]))
                {
                    pending.Enqueue([.. path, name.Groups[1].Value]);
                }
            }
        }
        // The walk reached the leaves, not just the root.
        Assert.Contains("send-test", seen);
        Assert.Contains("campaigns retry-failed", seen);
        Assert.Contains("schedule plan add", seen);
    }

    /// <summary>A command's line in a COMMANDS section: four spaces, then its name (wrapped descriptions indent further).</summary>
    [GeneratedRegex(@"^ {4}([a-z][a-z-]*)", RegexOptions.Multiline)]
    private static partial Regex CommandName();
}
