using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Newsletter.Core;
using Newsletter.Data;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Wires the services a command needs from the settings: the application's one registration
/// (<see cref="NewsletterComposition.AddNewsletter"/>, which validates the settings) plus the CLI's own lines.
/// </summary>
internal static class AppServices
{
    public static ServiceProvider Build(GlobalSettings settings)
    {
        var configuration = AppConfiguration.Build(settings.ConfigFile);
        LocalTime.Use(configuration);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(_ => NewsletterHome.From(configuration));
        // Resolved only by commands that touch the store: those, and only those, say which one.
        services.AddSingleton(_ => OpenDatabase(configuration));
        services.AddNewsletter(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// The database of the settings, its relative SQLite file under the home (<see cref="NewsletterHome"/>), after one dim
    /// line on stderr naming it (stdout stays clean for <c>--json</c>).
    /// </summary>
    public static NewsletterDatabase OpenDatabase(IConfiguration configuration)
    {
        var home = NewsletterHome.From(configuration);
        var database = new NewsletterDatabase(DatabaseOptions.From(configuration), home.Directory);
        var line = Texts.Format("cli.app.database_line", database.Description, home.Directory);
        Console.Error.WriteLine(Console.IsErrorRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
            ? line
            : $"\u001b[2m{line}\u001b[0m");
        return database;
    }
}
