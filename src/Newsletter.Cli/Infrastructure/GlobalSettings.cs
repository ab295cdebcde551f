namespace Newsletter.Cli.Infrastructure;

/// <summary>Options every verb takes; each verb's settings class derives from this.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Text("cli.global.config")]
    public string? ConfigFile { get; init; }

    /// <summary>Shown in the help only: <see cref="CliLanguage"/> takes <c>--lang</c> off the line before parsing.</summary>
    [CommandOption("--lang <LANG>")]
    [Text("cli.global.lang")]
    public string? Language { get; init; }
}
