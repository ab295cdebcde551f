using System.ComponentModel;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Infrastructure;

/// <summary>Options every verb takes; each verb's settings class derives from this.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Description("An extra settings file (JSON), read after appsettings.json and NEWSLETTER_* environment variables.")]
    public string? ConfigFile { get; init; }
}
