using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Newsletter.Core.Audience;

/// <summary>Registers the audience services that work on any <see cref="ISubscriberStore"/>.</summary>
public static class AudienceServiceCollectionExtensions
{
    /// <summary>Adds the importer and exporter; the host registers the <see cref="ISubscriberStore"/> (Newsletter.Data does).</summary>
    public static IServiceCollection AddAudience(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Import.SubscriberImporter>();
        services.TryAddSingleton<Import.SubscriberExporter>();
        return services;
    }
}
