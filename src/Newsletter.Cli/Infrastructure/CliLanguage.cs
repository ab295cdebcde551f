using System.Globalization;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// The language of one run: <c>--lang</c> (anywhere on the line), else <c>NEWSLETTER_LANG</c>, else the setting
/// <c>Ui:Language</c> (appsettings.json, <c>NEWSLETTER_Ui__Language</c>, <c>--config</c>), else 简体中文 — the institute's
/// language, whatever the machine's culture. It is chosen before the command line is parsed, so help and parse errors
/// are in it too.
/// </summary>
internal static class CliLanguage
{
    public const string Option = "--lang";

    /// <summary>The culture (<see cref="Texts.Chinese"/> or <see cref="Texts.English"/>) and the arguments without <c>--lang</c>.</summary>
    public static (string Culture, string[] Args, string? Unknown) Resolve(string[] args)
    {
        var rest = new List<string>(args.Length);
        string? asked = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Option && i + 1 < args.Length)
            {
                asked = args[++i];
            }
            else if (args[i].StartsWith(Option + "=", StringComparison.Ordinal))
            {
                asked = args[i][(Option.Length + 1)..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        asked ??= Environment.GetEnvironmentVariable("NEWSLETTER_LANG") is { Length: > 0 } env ? env : Setting(rest);
        if (asked is null)
        {
            return (Texts.Chinese, [.. rest], null);
        }
        return Texts.Parse(asked) is { } culture ? (culture, [.. rest], null) : (Texts.Chinese, [.. rest], asked);
    }

    /// <summary>Makes <paramref name="culture"/> the UI culture of this run (every thread, every task).</summary>
    public static void Apply(string culture)
    {
        var info = CultureInfo.GetCultureInfo(culture);
        CultureInfo.DefaultThreadCurrentUICulture = info;
        CultureInfo.CurrentUICulture = info;
    }

    /// <summary><c>Ui:Language</c> from the settings; a broken settings file is reported later, by the command.</summary>
    private static string? Setting(List<string> args)
    {
        var index = args.IndexOf("--config");
        var file = index >= 0 && index + 1 < args.Count ? args[index + 1]
            : args.FirstOrDefault(a => a.StartsWith("--config=", StringComparison.Ordinal))?["--config=".Length..];
        try
        {
            return AppConfiguration.Build(file)["Ui:Language"] is { Length: > 0 } language ? language : null;
        }
        catch (Exception e) when (e is UserErrorException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// A help text by key (<c>[Text("cli.publish.issue")]</c>), resolved in the run's language when Spectre reads it:
/// Spectre shows <see cref="System.ComponentModel.DescriptionAttribute.Description"/>.
/// </summary>
[AttributeUsage(AttributeTargets.All)]
internal sealed class TextAttribute(string key) : System.ComponentModel.DescriptionAttribute(key)
{
    public override string Description => Texts.Get(DescriptionValue);
}
