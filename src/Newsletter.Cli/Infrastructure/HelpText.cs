using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Spectre's help with examples a user can copy: an argument holding a space or a shell character is printed in double
/// quotes (Spectre joins them bare, so <c>--at 2026-12-10 09:00</c> failed when pasted). Double quotes, because they mean
/// the same in bash, cmd.exe and PowerShell.
/// </summary>
internal sealed class HelpText(ICommandAppSettings settings) : HelpProvider(settings)
{
    /// <summary>How many examples of its sub-commands a group shows when it has none of its own (as Spectre does).</summary>
    private const int IndirectExamples = 5;

    public override IEnumerable<IRenderable> GetExamples(ICommandModel model, ICommandInfo? command)
    {
        var examples = (command?.Examples ?? model.Examples).ToList();
        if (examples.Count == 0)
        {
            foreach (var child in command?.Commands ?? model.Commands)
            {
                examples.AddRange(child.Examples.Take(IndirectExamples - examples.Count));
                if (examples.Count >= IndirectExamples) break;
            }
        }
        if (examples.Count == 0)
        {
            return [];
        }
        var lines = new List<IRenderable> { Text.NewLine, new Markup($"[yellow]{Markup.Escape(Texts.Get("cli.help.examples"))}[/]"), Text.NewLine };
        var width = Math.Max(40, AnsiConsole.Profile.Width);
        foreach (var example in examples)
        {
            foreach (var line in Lines([model.ApplicationName, .. example], width))
            {
                lines.Add(new Text(line));
                lines.Add(Text.NewLine);
            }
        }
        return lines;
    }

    /// <summary>
    /// The example as lines that fit <paramref name="width"/> columns: broken between arguments with a trailing
    /// <c> \</c>, the shell's line continuation, because a line Spectre wrapped by itself would not run when pasted.
    /// </summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<string> args, int width)
    {
        var line = "    " + Quote(args[0]);
        foreach (var arg in args.Skip(1).Select(Quote))
        {
            if (Columns(line) + 1 + Columns(arg) + 2 > width && line.Length > 8)
            {
                yield return line + " \\";
                line = "        " + arg;
            }
            else
            {
                line += " " + arg;
            }
        }
        yield return line;
    }

    /// <summary>Terminal columns of <paramref name="text"/>: CJK and full-width characters take two.</summary>
    internal static int Columns(string text) =>
        text.Sum(c => c is >= '\u1100' and <= '\u115f' or >= '\u2e80' and <= '\ua4cf' or >= '\uac00' and <= '\ud7a3'
            or >= '\uf900' and <= '\ufaff' or >= '\ufe30' and <= '\ufe4f' or >= '\uff00' and <= '\uff60' or >= '\uffe0' and <= '\uffe6' ? 2 : 1);

    private static string Quote(string arg) =>
        arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || "\"'`$\\*?;&|<>()[]{}!#~".Contains(c))
            ? arg
            : "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$").Replace("`", "\\`") + "\"";
}
