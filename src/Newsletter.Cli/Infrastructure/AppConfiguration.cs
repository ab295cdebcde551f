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
                throw new UserErrorException($"settings file {configFile} not found", "check the path given to --config");
            }
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            // The JSON provider reports the file and position of a syntax error in its message.
            throw new UserErrorException($"settings are not valid JSON: {e.InnerException?.Message ?? e.Message}",
                "fix the JSON syntax in that file");
        }
    }
}
