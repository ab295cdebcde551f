using Microsoft.Extensions.Configuration;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// The settings contract: <c>appsettings.json</c> next to the executable, then in the current folder, then
/// environment variables prefixed <c>NEWSLETTER_</c> (<c>NEWSLETTER_Smtp__Host</c> sets <c>Smtp:Host</c>),
/// then the file given with <c>--config</c>. Later sources win.
/// </summary>
internal static class AppConfiguration
{
    public static IConfigurationRoot Build(string? configFile)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables("NEWSLETTER_");
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new UserErrorException(Texts.Format("cli.app_configuration.settings_file_not_found", configFile), Texts.Get("cli.hint.config_path"));
            }
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new UserErrorException(Texts.Format("cli.app_configuration.not_valid_json", JsonErrorLocation(e), JsonErrorText(e)), Texts.Get("cli.hint.fix_json"));
        }
    }

    /// <summary>"file:line" of a settings file's syntax error (the provider names the file; System.Text.Json counts lines from 0).</summary>
    private static string JsonErrorLocation(InvalidDataException e)
    {
        // "Failed to load configuration from file '/path/appsettings.json'."
        var quoted = e.Message.Split('\'');
        var file = quoted.Length >= 3 ? quoted[1] : "a settings file";
        return FindJsonError(e)?.LineNumber is { } line ? $"{file}:{line + 1}" : file;
    }

    private static string JsonErrorText(InvalidDataException e)
    {
        if (FindJsonError(e) is not { } json)
        {
            return e.InnerException?.Message ?? e.Message;
        }
        // "… LineNumber: 2 | BytePositionInLine: 0." — the position is said already, as file:line.
        var text = json.Message;
        var position = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var path = text.IndexOf(" Path:", StringComparison.Ordinal);
        var end = new[] { position, path }.Where(i => i >= 0).DefaultIfEmpty(text.Length).Min();
        return text[..end].TrimEnd(' ', '|').TrimEnd('.') + (json.BytePositionInLine is { } column ? $" (column {column + 1})" : "");
    }

    private static System.Text.Json.JsonException? FindJsonError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException json)
            {
                return json;
            }
        }
        return null;
    }
}
