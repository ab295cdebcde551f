using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core;
using Newsletter.Core.Scheduling;
using Newsletter.Data;
using Newsletter.Data.Scheduling;
using Newsletter.Web;
using Microsoft.AspNetCore.Builder;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter serve</c>: the long-lived host — scheduler, delivery engine (and, later, the web admin).</summary>
internal static class ServeCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<ServeCommand>("serve")
            .WithDescription("Run the long-lived host: scheduled campaigns and recurring plans fire at their time, deferred messages are retried. Ctrl-C stops it gracefully.")
            .WithExample("serve")
            .WithExample("serve", "--urls", "http://127.0.0.1:5080");
}

internal sealed class ServeSettings : GlobalSettings
{
    [CommandOption("--urls <URLS>")]
    [Description("Addresses the web admin listens on (semicolon-separated). Default: the `urls` setting, else http://127.0.0.1:5080.")]
    public string? Urls { get; init; }
}

internal sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    /// <summary>How long a stop waits for in-flight SMTP transactions and jobs: above the SMTP timeout (60 s by default).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(90);

    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var configuration = AppConfiguration.Build(settings.ConfigFile);
        // Migrated before the host starts: Quartz validates its tables (migration 0201) when the scheduler starts.
        var database = new NewsletterDatabase(DatabaseOptions.From(configuration));
        await database.EnsureMigratedAsync(cancellationToken);

        await using var host = Build(configuration, database, settings.Urls);
        var options = host.Services.GetRequiredService<SchedulingOptions>();
        options.Zone();
        var clustered = database.Provider == DatabaseProvider.Postgres && (options.Clustered ?? true);
        AnsiConsole.MarkupLineInterpolated(
            $"serving: scheduler on {database.Provider.ToString().ToLowerInvariant()} ({(clustered ? "clustered" : "single node")}), node {SchedulerNode.Current.Name}, times in {options.TimeZone}; web admin on {settings.Urls ?? configuration["urls"] ?? NewsletterWeb.DefaultUrls}; Ctrl-C stops");
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C / SIGTERM while the host was still starting: as graceful as a stop after the start.
        }
        AnsiConsole.MarkupLine("stopped");
        return NewsletterApp.Ok;
    }

    /// <summary>The host, as a table of contents: one line per feature.</summary>
    private static WebApplication Build(IConfigurationRoot configuration, NewsletterDatabase database, string? urls)
    {
        var builder = NewsletterWeb.CreateBuilder(configuration, urls);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Quartz", LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        builder.Services.AddSingleton(database);
        builder.Services.AddNewsletterData(configuration);
        builder.Services.AddScheduleStore();
        builder.Services.AddNewsletterCore(configuration);
        builder.Services.AddNewsletterScheduling(configuration, SchedulingDataExtensions.JobStore(database));
        builder.Services.AddNewsletterWeb(configuration);
        builder.Services.AddHostedService<BounceMailboxPoller>();   // issue 17: reads the return mailbox when Bounces:Host is set
        var app = builder.Build();
        app.MapNewsletterWeb();
        return app;
    }
}
