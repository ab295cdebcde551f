using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newsletter.Core.Scheduling;
using Quartz;

namespace Newsletter.Data.Scheduling;

/// <summary>Registers the scheduling tables' store and tells the scheduler where Quartz's job store lives.</summary>
public static class SchedulingDataExtensions
{
    /// <summary>Adds <see cref="IScheduleStore"/> (after <c>AddNewsletterData</c>).</summary>
    public static IServiceCollection AddScheduleStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IScheduleStore, SqlScheduleStore>();
        return services;
    }

    /// <summary>
    /// Quartz's persistent store on the application's database: the same file (SQLite, absolute path) or server
    /// (PostgreSQL). Its tables come from migration 0201, so the database must be migrated before the scheduler starts.
    /// </summary>
    /// <remarks>Quartz refuses clustering on SQLite: one serve process per SQLite file.</remarks>
    public static JobStoreSettings JobStore(NewsletterDatabase database)
    {
        var connectionString = database.ConnectionString;
        return database.Provider == DatabaseProvider.Postgres
            ? new JobStoreSettings(store => store.UsePostgres(connectionString), Clusterable: true)
            : new JobStoreSettings(store => store.UseSqlite(connectionString), Clusterable: false);
    }
}
