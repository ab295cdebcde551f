using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Newsletter.Core.Bounces;

public static class BounceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Bounces</c> and adds the parser, the processor and the mailbox (<see cref="IBounceMailbox"/>: IMAP or POP3
    /// as <see cref="BounceOptions.Protocol"/> says). The host registers
    /// <see cref="IBounceStore"/>, the subscriber store, <c>SubscriberTokens</c> and <see cref="VerpAddresses"/>.
    /// </summary>
    public static IServiceCollection AddBounces(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => CoreServiceCollectionExtensions.Bind<BounceOptions>(configuration, "Bounces").Clamped());
        services.TryAddSingleton<BounceParser>();
        services.TryAddSingleton(sp => new BounceProcessor(sp.GetRequiredService<BounceParser>(), sp.GetRequiredService<IBounceStore>(),
            sp.GetRequiredService<Audience.ISubscriberStore>(), sp.GetRequiredService<Audience.SubscriberTokens>(),
            sp.GetRequiredService<BounceOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<VerpAddresses>()));
        services.TryAddSingleton<ImapBounceMailbox>();
        services.TryAddSingleton<Pop3BounceMailbox>();
        services.TryAddSingleton<IBounceMailbox>(sp => sp.GetRequiredService<BounceOptions>().Protocol == BounceProtocol.Pop3
            ? sp.GetRequiredService<Pop3BounceMailbox>()
            : sp.GetRequiredService<ImapBounceMailbox>());
        return services;
    }
}
