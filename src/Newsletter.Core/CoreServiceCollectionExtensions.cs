using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Bounces;
using Newsletter.Core.Campaigns;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Figures;

namespace Newsletter.Core;

/// <summary>A setting has a value that cannot be used; the message names the key and how to fix it.</summary>
public sealed class SettingsException(string message, Exception? inner = null)
    : UserFacingException(message, Localization.Texts.Get("core.settings.hint"), inner);

/// <summary>Registers composition and delivery from the settings (principle 5: options records bound from configuration).</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Home</c> (<see cref="NewsletterHome"/>: a relative <c>Delivery:PickupDirectory</c> is under the home, a
    /// relative <c>Templates:Directory</c> under the installation), <c>Delivery</c>, <c>Smtp</c>, <c>Sender</c>,
    /// <c>Templates</c>, <c>Composition</c> and <c>PublicBaseUrl</c> (<c>Delivery</c> and <c>Smtp</c> validated at once:
    /// <see cref="SettingsException"/> names every bad value), and adds the composer,
    /// the message factory, the transport chosen by <c>Delivery:Transport</c>, the campaign sender and the publisher.
    /// The host registers the stores (<see cref="ICampaignStore"/>, <c>ISubscriberStore</c>) and <c>SubscriberTokens</c>.
    /// </summary>
    public static IServiceCollection AddNewsletterCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => NewsletterHome.From(configuration));
        // Bound and validated now, once: a bad value stops the host before anything runs (SettingsException).
        var delivery = SettingsBinder.Load(configuration, "Delivery", new DeliveryOptionsValidator());
        var smtp = SettingsBinder.Load(configuration, "Smtp", new SmtpOptionsValidator());
        services.TryAddSingleton(sp => delivery with { PickupDirectory = sp.GetRequiredService<NewsletterHome>().Data(delivery.PickupDirectory) });
        services.TryAddSingleton(smtp);
        services.TryAddSingleton(_ => Bind<SenderOptions>(configuration, "Sender"));
        services.TryAddSingleton(_ => Bind<DkimOptions>(configuration, "Dkim"));
        services.TryAddSingleton(sp =>
        {
            var templates = Bind<TemplateOptions>(configuration, "Templates");
            return templates with { Directory = sp.GetRequiredService<NewsletterHome>().Installed(templates.Directory) };
        });
        services.TryAddSingleton(_ => Bind<CompositionOptions>(configuration, "Composition"));
        services.TryAddSingleton(SettingsBinder.Load(configuration, "Metrics", new MetricsOptionsValidator()));   // issue 20
        services.TryAddSingleton(_ => new PublicOptions { PublicBaseUrl = configuration["PublicBaseUrl"] is { Length: > 0 } url ? url : new PublicOptions().PublicBaseUrl });
        services.TryAddSingleton<IMjmlCompiler, MjmlCompilerAdapter>();
        services.TryAddSingleton<BulletinComposer>();
        services.TryAddSingleton(sp => CreateMessageFactory(sp.GetRequiredService<SenderOptions>(), sp.GetRequiredService<DkimOptions>(), sp));
        services.TryAddSingleton<IMailTransport>(sp => CreateTransport(sp.GetRequiredService<DeliveryOptions>(), sp.GetRequiredService<SmtpOptions>()));
        services.TryAddSingleton<IRecipientLinks, TokenRecipientLinks>();
        services.TryAddSingleton<CampaignSender>();
        services.TryAddSingleton<SendPolicy>();
        services.TryAddSingleton<IssueIntake>();
        services.TryAddSingleton<IssuePublisher>();
        services.TryAddSingleton<CampaignLifecycle>();
        services.TryAddSingleton<TestSender>();
        services.TryAddSingleton<SendPreviewer>();
        services.AddDoctorChecks();
        services.AddBounces(configuration);   // issue 17: bounces, complaints, mailed unsubscribes
        services.AddFigures(configuration);   // issue 21: tracking settings, figures export
        services.TryAddSingleton(typeof(ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>));
        return services;
    }

    /// <summary>
    /// The configuration checks of <c>newsletter doctor</c>, in the order they print. A feature with settings of its own
    /// adds its check with <c>services.AddSingleton&lt;IDoctorCheck, TheCheck&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddDoctorChecks(this IServiceCollection services)
    {
        services.TryAddSingleton<ConfigurationDoctor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, PublicBaseUrlCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, SenderDomainCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, ReplyToCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, DkimCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, RelayCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, BounceMailboxCheck>());   // issue 17
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDoctorCheck, MetricsCheck>());   // issue 20
        return services;
    }

    /// <summary>Binds section <paramref name="section"/> to <typeparamref name="T"/>, turning a bad value into a <see cref="SettingsException"/>.</summary>
    public static T Bind<T>(IConfiguration configuration, string section) where T : new() => SettingsBinder.Load<T>(configuration, section);

    private static MessageFactory CreateMessageFactory(SenderOptions options, DkimOptions dkim, IServiceProvider sp)
    {
        try
        {
            // Issue 17: a {token} return path needs the secret, which the host registers (Newsletter.Data: VerpAddresses).
            var verp = options.VerpReturnPath?.Contains("{token}", StringComparison.Ordinal) == true ? sp.GetService<Bounces.VerpAddresses>() : null;
            return new MessageFactory(options, dkim, verp);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException(e.Message, e);
        }
    }

    private static IMailTransport CreateTransport(DeliveryOptions delivery, SmtpOptions smtp) => delivery.Transport switch
    {
        TransportKind.Smtp => new SmtpTransport(smtp),
        _ => new PickupTransport(delivery.PickupDirectory),
    };
}
