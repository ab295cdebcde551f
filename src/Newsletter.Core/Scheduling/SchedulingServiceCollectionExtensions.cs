using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>The database engine Quartz's persistent job store runs on.</summary>
public enum JobStoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where Quartz keeps its triggers: the application's own database (the host knows which and how to reach it).</summary>
/// <param name="ConnectionString">An ADO.NET connection string for <paramref name="Provider"/> (Microsoft.Data.Sqlite or Npgsql).</param>
public sealed record JobStoreSettings(JobStoreProvider Provider, string ConnectionString);

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
    /// them from the tables at start, so scheduled campaigns still survive a restart. On SQLite the ADO store runs
    /// single-node; on PostgreSQL it is clustered (unless <c>Scheduling:Clustered</c> is false), so several
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
                if (jobStore.Provider == JobStoreProvider.Postgres)
                {
                    store.UsePostgres(jobStore.ConnectionString);
                    if (options.Clustered ?? true)
                    {
                        store.UseClustering(c =>
                        {
                            c.CheckinInterval = options.ClusterCheckinInterval;
                            c.CheckinMisfireThreshold = options.ClusterFailoverGrace;
                        });
                    }
                }
                else
                {
                    // Quartz refuses clustering on SQLite: one serve process per SQLite file.
                    store.UseSqlite(jobStore.ConnectionString);
                }
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleSync>();
        services.AddHostedService<DeliveryEngine>();
        return services;
    }
}
