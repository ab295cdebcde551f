using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core;
using Newsletter.Core.Scheduling;
using Newsletter.Data.Scheduling;

namespace Newsletter.Data;

/// <summary>
/// The one composition root of the application (principle 1: Core declares, the host wires): every host — each CLI
/// command (<c>AppServices</c>), <c>newsletter serve</c> and the web tests' host — calls <see cref="AddNewsletter"/>
/// and adds only its own lines (logging, the Quartz host, the web pages). It lives here, in Newsletter.Data, because
/// this is the one project that sees both Core's interfaces and their implementations without a cycle; the web
/// project sees Core only.
/// </summary>
public static class NewsletterComposition
{
    /// <summary>
    /// Registers the database and its stores (<see cref="DataServiceCollectionExtensions.AddNewsletterData"/>),
    /// composition and delivery (<see cref="CoreServiceCollectionExtensions.AddNewsletterCore"/>) and the scheduler's
    /// editor side (<see cref="IScheduleStore"/>, <see cref="SchedulingServiceCollectionExtensions.AddScheduleManagement"/>).
    /// The options records are bound and validated here, once.
    /// </summary>
    /// <exception cref="SettingsException">A setting has a value that cannot be used; the message names each one, its value and what is allowed.</exception>
    public static IServiceCollection AddNewsletter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNewsletterData(configuration);
        services.AddNewsletterCore(configuration);
        services.AddScheduleStore();
        services.AddScheduleManagement(configuration);
        return services;
    }
}
