using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Newsletter.Core.Figures;

public static class FiguresServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Tracking</c> (<see cref="TrackingOptions"/>) and adds <see cref="TrackingTokens"/>. The host registers <see cref="IReaderEventStore"/> and
    /// <see cref="ICampaignFigures"/> (Newsletter.Data).
    /// </summary>
    public static IServiceCollection AddFigures(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => CoreServiceCollectionExtensions.Bind<TrackingOptions>(configuration, "Tracking").Clamped());
        services.TryAddSingleton<TrackingTokens>();
        services.TryAddSingleton<TrackingRenderer>();
        return services;
    }
}
