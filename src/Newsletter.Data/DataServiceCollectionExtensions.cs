using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Issues;
using Newsletter.Core.Security;
using Newsletter.Core.Users;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;

namespace Newsletter.Data;

/// <summary>Registers the database and the stores that live on it.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DatabaseOptions"/> (section <c>Database</c>), <see cref="NewsletterDatabase"/> (migrating on first
    /// use), <see cref="AppSecrets"/>, <see cref="ISubscriberStore"/>, <see cref="SubscriberTokens"/> (key version 0
    /// from <c>Security:TokenSecret</c> when set, else generated once and kept in the database; rotated keys from
    /// <see cref="TokenKeyStore"/>; grace period <c>Security:TokenGracePeriod</c>), the audience services, and the
    /// stores behind Core's interfaces for the web (<see cref="IUserStore"/>, <see cref="IUploadedIssueStore"/>,
    /// <see cref="IAppSecrets"/>, <see cref="IDataProtectionKeyStore"/>, <see cref="ITokenKeyRing"/>, <see cref="IStoreHealth"/>).
    /// Settings are read when first resolved, so a bad <c>Database:Provider</c> fails only the commands that use the database.
    /// </summary>
    public static IServiceCollection AddNewsletterData(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DatabaseOptions.From(configuration));
        services.TryAddSingleton(_ => Core.NewsletterHome.From(configuration));
        // A relative SQLite file is under the home, wherever the command is run from.
        services.TryAddSingleton(sp => new NewsletterDatabase(sp.GetRequiredService<DatabaseOptions>(), sp.GetRequiredService<Core.NewsletterHome>().Directory));
        services.TryAddSingleton<AppSecrets>();
        services.TryAddSingleton<ISubscriberStore, SqlSubscriberStore>();
        // One store for campaigns and the outbox the send path uses (one object: both see the same database).
        services.TryAddSingleton<SqlCampaignStore>();
        services.TryAddSingleton<ICampaignStore>(sp => sp.GetRequiredService<SqlCampaignStore>());
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<SqlCampaignStore>());
        services.TryAddSingleton<ITestSendLog, SqlTestSendLog>();
        services.TryAddSingleton<ISendConfirmationLog, SqlSendConfirmationLog>();
        services.TryAddSingleton<Newsletter.Core.Bounces.IBounceStore, Bounces.SqlBounceStore>();
        services.TryAddSingleton<Newsletter.Core.Archive.IArchiveStore, Archive.SqlArchiveStore>();
        services.TryAddSingleton(sp => CreateVerp(configuration, sp.GetRequiredService<AppSecrets>()));
        services.TryAddSingleton<IUserStore, Users.UserStore>();
        services.TryAddSingleton<IUploadedIssueStore, Issues.SqlUploadedIssueStore>();
        services.TryAddSingleton<IAppSecrets>(sp => sp.GetRequiredService<AppSecrets>());
        services.TryAddSingleton<IDataProtectionKeyStore, Security.DataProtectionKeyStore>();
        services.TryAddSingleton<ITokenKeyRing>(sp => sp.GetRequiredService<TokenKeyStore>());
        services.TryAddSingleton<IStoreHealth, StoreHealth>();
        services.TryAddSingleton(SettingsBinder.Load(configuration, "Security", new SubscriberTokenOptionsValidator()));
        // Issue 21: reader events (web views, opens, clicks, unsubscribes) and the figures of each campaign.
        services.TryAddSingleton<Newsletter.Core.Figures.IReaderEventStore, Figures.SqlReaderEventStore>();
        services.TryAddSingleton<Newsletter.Core.Figures.ICampaignFigures, Figures.SqlCampaignFigures>();
        services.TryAddSingleton<Newsletter.Core.Figures.ICampaignTracking, Figures.SqlCampaignTracking>();
        services.TryAddSingleton(sp => new TokenKeyStore(sp.GetRequiredService<NewsletterDatabase>(), sp.GetRequiredService<AppSecrets>(),
            sp.GetRequiredService<TimeProvider>(), ConfiguredSecret(configuration)));
        services.TryAddSingleton(sp => new SubscriberTokens(
            // Resolved once per process; the blocking read happens at the first link signed or verified. serve reloads it.
            sp.GetRequiredService<TokenKeyStore>().LoadAsync().GetAwaiter().GetResult(),
            sp.GetRequiredService<SubscriberTokenOptions>().TokenGracePeriod, sp.GetRequiredService<TimeProvider>()));
        services.AddAudience();
        return services;
    }

    /// <summary>Key version 0 when <c>Security:TokenSecret</c> is set; null to use (or create) the database's secret.</summary>
    private static string? ConfiguredSecret(IConfiguration configuration) =>
        configuration["Security:TokenSecret"] is not { Length: > 0 } configured ? null
        : configured.Length >= 16 ? configured
        : throw new DatabaseConfigurationException("Security:TokenSecret is shorter than 16 characters; use a long random value");

    /// <summary>Issue 17: HMAC VERP tokens, keyed like the subscriber tokens (configured secret, else the database's).</summary>
    private static Newsletter.Core.Bounces.VerpAddresses CreateVerp(IConfiguration configuration, AppSecrets secrets)
    {
        var pattern = configuration["Sender:VerpReturnPath"] is { } p && p.Contains("{token}", StringComparison.Ordinal) ? p : "bounces+{token}@localhost";
        var secret = configuration["Security:TokenSecret"] is { Length: >= 16 } configured
            ? System.Text.Encoding.UTF8.GetBytes(configured)
            : secrets.GetOrCreateAsync("verp").GetAwaiter().GetResult();
        return new Newsletter.Core.Bounces.VerpAddresses(pattern, secret);
    }
}
