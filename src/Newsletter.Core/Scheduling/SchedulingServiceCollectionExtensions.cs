using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Where Quartz keeps its triggers: the application's own database. The host, which knows the database, says how to
/// reach it and whether Quartz may run clustered there.
/// </summary>
/// <param name="UseDatabase">Points Quartz's persistent store at the database (its ADO provider and connection string).</param>
/// <param name="Clusterable">Whether Quartz can share the store between several <c>serve</c> processes.</param>
public sealed record JobStoreSettings(Action<IPersistentStoreBuilder> UseDatabase, bool Clusterable);

/// <summary>Registers scheduling (principle 6: the host calls one line).</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// What the editors' commands need: <see cref="SchedulingOptions"/> (section <c>Scheduling</c>), the runners, the
    /// notifier and <see cref="CampaignScheduler"/>. The host registers <see cref="IScheduleStore"/> and the core services.
    /// </summary>
    public static IServiceCollection AddScheduleManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Validated now, once (SettingsException names every bad value).
        services.TryAddSingleton(SettingsBinder.Load(configuration, SchedulingOptions.SectionName, new SchedulingOptionsValidator()));
        services.TryAddSingleton(SchedulerNode.Current);
        services.TryAddSingleton<EditorNotifier>();
        services.TryAddSingleton<CampaignReporter>();
        services.TryAddSingleton<ScheduledCampaignRunner>();
        services.TryAddSingleton<PlanRunner>();
        services.TryAddSingleton<CampaignScheduler>();
        return services;
    }

    /// <summary>
    /// Everything <c>serve</c> runs: <see cref="AddScheduleManagement"/>, the Quartz scheduler as a hosted service
    /// (waiting for running jobs on stop), <see cref="ScheduleSync"/> and the <see cref="DeliveryEngine"/>.
    /// With <paramref name="jobStore"/> null Quartz keeps triggers in memory (tests); <see cref="ScheduleSync"/> rebuilds
    /// them from the tables at start, so scheduled campaigns still survive a restart. Where the store is
    /// <see cref="JobStoreSettings.Clusterable"/> it is clustered (unless <c>Scheduling:Clustered</c> is false), so several
    /// <c>serve</c> processes share the work and each firing runs on one of them.
    /// </summary>
    public static IServiceCollection AddNewsletterScheduling(this IServiceCollection services, IConfiguration configuration,
        JobStoreSettings? jobStore)
    {
        services.AddScheduleManagement(configuration);
        var options = SettingsBinder.Load(configuration, SchedulingOptions.SectionName, new SchedulingOptionsValidator());
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(s => s.InstanceName = "newsletter");
            quartz.UseDefaultThreadPool(4);
            if (jobStore is null)
            {
                quartz.UseInMemoryStore(_ => { });
                return;
            }
            quartz.UsePersistentStore(store =>
            {
                store.ConfigureStore(o =>
                {
                    o.StoreJobDataAsStrings = true;
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.MisfireThreshold = TimeSpan.FromSeconds(30);
                });
                jobStore.UseDatabase(store);
                if (jobStore.Clusterable && (options.Clustered ?? true))
                {
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = options.ClusterCheckinInterval;
                        c.CheckinMisfireThreshold = options.ClusterFailoverGrace;
                    });
                }
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleSync>();
        services.AddHostedService<DeliveryEngine>();
        return services;
    }
}
