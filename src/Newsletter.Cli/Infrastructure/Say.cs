using System.Globalization;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// A report line from the shared strings (<see cref="Texts"/>): the template is Spectre markup of ours, the values are
/// data — escaped, as <c>MarkupLineInterpolated</c> would, with their control characters made visible.
/// </summary>
internal static class Say
{
    /// <summary>Writes the line <paramref name="key"/> formatted with <paramref name="args"/> to standard output.</summary>
    public static void Line(string key, params object?[] args) => AnsiConsole.MarkupLine(Markup(key, args));

    /// <summary>The markup of <paramref name="key"/> with <paramref name="args"/> escaped (numbers and dates keep their format).</summary>
    public static string Markup(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Texts.Get(key), args.Select(Escape).ToArray());

    /// <summary>
    /// A campaign state as a word: the web's words in Chinese (已完成); in English the state's own name, as the CLI has
    /// always printed it (running, completed).
    /// </summary>
    public static string State(Newsletter.Core.Delivery.CampaignState state) => Texts.IsEnglish
        ? state.ToString().ToLowerInvariant()
        : Texts.Get("campaign.state." + state.ToString().ToLowerInvariant());

    private static object? Escape(object? value) => value switch
    {
        null => "",
        string text => TerminalText.Cell(text),
        IFormattable formattable when value is not Enum => formattable,
        _ => TerminalText.Cell(value.ToString()),
    };
}
