using System.Text;
using Spectre.Console.Rendering;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Keeps stored text (a subscriber's name, a campaign title, a failure reason) from controlling the admin's terminal: a
/// name such as <c>"\x1b]0;evil\x07\x1b[2J"</c> would retitle the window and clear the screen. Control characters are
/// shown as visible symbols instead — C0 as the Control Pictures (ESC as ␛, BEL as ␇, CR as ␍), DEL as ␡, C1 and
/// the bidirectional overrides (which reorder what is shown) as <c>\u009b</c>-style text.
/// </summary>
/// <remarks>
/// <see cref="Install"/> applies this to everything the CLI prints: <see cref="Console.Out"/> and
/// <see cref="Console.Error"/> are wrapped (line breaks and tabs pass), and Spectre's consoles render through a hook
/// that neutralises the text of every segment before Spectre adds its own styling codes, so colours still work. Output
/// that is data rather than a report (the CSV of <c>subscribers export</c>, the HTML of <c>mjml</c> without <c>-o</c>)
/// goes to <see cref="RawOut"/>.
/// </remarks>
internal static class TerminalText
{
    /// <summary>The standard output as it was before <see cref="Install"/>, for data written byte for byte.</summary>
    public static TextWriter RawOut { get; private set; } = Console.Out;

    /// <summary>
    /// Wraps the console writers and Spectre's default console for one run of the app; disposing restores them
    /// (tests run the app in-process with their own writers).
    /// </summary>
    public static IDisposable Install()
    {
        var (oldOut, oldError, oldRaw, oldAnsi) = (Console.Out, Console.Error, RawOut, AnsiConsole.Console);
        RawOut = oldOut;
        Console.SetOut(new SafeWriter(oldOut));
        Console.SetError(new SafeWriter(oldError));
        AnsiConsole.Console = CreateConsole();
        return new Restore(() =>
        {
            Console.Out.Flush();
            Console.Error.Flush();
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            RawOut = oldRaw;
            AnsiConsole.Console = oldAnsi;
        });
    }

    /// <summary>A Spectre console on the standard output whose text is neutralised (its own colour codes are not).</summary>
    public static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(RawOut) });
        console.Pipeline.Attach(new Hook());
        return console;
    }

    /// <summary><paramref name="text"/> with every control character visible, line breaks and tabs included.</summary>
    public static string Safe(string? text) => text is null ? "" : Neutralise(text, keepLayout: false);

    /// <summary>Stored text as a Spectre table cell: control characters visible, markup escaped.</summary>
    public static string Cell(string? text) => Markup.Escape(Safe(text));

    /// <summary>
    /// <paramref name="text"/> with control characters made visible; with <paramref name="keepLayout"/>, LF, CR LF and
    /// tab pass (the line structure of what the CLI itself writes).
    /// </summary>
    public static string Neutralise(ReadOnlySpan<char> text, bool keepLayout)
    {
        var i = 0;
        while (i < text.Length && !NeedsEscape(text, i, keepLayout)) i++;
        if (i == text.Length) return text.ToString();

        var builder = new StringBuilder(text.Length + 8);
        builder.Append(text[..i]);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(text, i, keepLayout)) builder.Append(c);
            else if (c < 0x20) builder.Append((char)(0x2400 + c));
            else if (c == 0x7F) builder.Append('\u2421');
            else builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(ReadOnlySpan<char> text, int i, bool keepLayout)
    {
        var c = text[i];
        if (keepLayout && (c is '\n' or '\t' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))) return false;
        return c < 0x20 || c is >= '\u007F' and <= '\u009F'
            || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'; // bidi embeddings, overrides, isolates
    }

    /// <summary>Neutralises what passes through, keeping line breaks and tabs.</summary>
    private sealed class SafeWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

        public override void Write(char value)
        {
            if (value is '\n' or '\t' || !NeedsEscape([value], 0, keepLayout: false)) inner.Write(value);
            else inner.Write(Neutralise([value], keepLayout: false));
        }

        public override void Write(char[] buffer, int index, int count) => inner.Write(Neutralise(buffer.AsSpan(index, count), keepLayout: true));

        public override void Write(ReadOnlySpan<char> buffer) => inner.Write(Neutralise(buffer, keepLayout: true));

        public override void Write(string? value) => inner.Write(value is null ? null : Neutralise(value, keepLayout: true));

        public override void WriteLine(string? value)
        {
            Write(value);
            inner.WriteLine();
        }

        public override void WriteLine() => inner.WriteLine();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();
    }

    /// <summary>Renders each renderable with its segments' text neutralised; Spectre's control codes pass.</summary>
    private sealed class Hook : IRenderHook
    {
        public IEnumerable<IRenderable> Process(RenderOptions options, IEnumerable<IRenderable> renderables) =>
            renderables.Select(r => (IRenderable)new SafeRenderable(r));
    }

    private sealed class SafeRenderable(IRenderable inner) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
            inner.Render(options, maxWidth).Select(s => s.IsControlCode || s.IsLineBreak || s.Text.Length == 0
                ? s
                : new Segment(Neutralise(s.Text, keepLayout: true), s.Style));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
