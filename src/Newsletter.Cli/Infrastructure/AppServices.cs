using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newsletter.Core;
using Newsletter.Core.Scheduling;
using Newsletter.Data;
using Newsletter.Data.Scheduling;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Wires the services a command needs from the settings (principle 1: the host wires what Core declares).
/// Reads like a table of contents: one <c>Add…</c> line per feature.
/// </summary>
internal static class AppServices
{
    public static ServiceProvider Build(GlobalSettings settings)
    {
        var configuration = AppConfiguration.Build(settings.ConfigFile);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddNewsletterData(configuration);
        services.AddNewsletterCore(configuration);
        services.AddScheduleStore();
        services.AddScheduleManagement(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
