using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newsletter.Core;
using Newsletter.Core.Scheduling;
using Newsletter.Data;
using Newsletter.Data.Scheduling;
using Newsletter.Web;
using Microsoft.AspNetCore.Builder;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter serve</c>: the long-lived host — scheduler, delivery engine (and, later, the web admin).</summary>
internal static class ServeCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<ServeCommand>("serve")
            .WithDescription(Texts.Get("cli.serve.serve.description"))
            .WithExample("serve")
            .WithExample("serve", "--urls", "http://127.0.0.1:5080");
}

internal sealed class ServeSettings : GlobalSettings
{
    [CommandOption("--urls <URLS>")]
    [Text("cli.serve.urls")]
    public string? Urls { get; init; }
}

internal sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    /// <summary>How long a stop waits for in-flight SMTP transactions and jobs: above the SMTP timeout (60 s by default).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(90);

    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        if (Microsoft.Extensions.Hosting.WindowsServices.WindowsServiceHelpers.IsWindowsService())
        {
            // A Windows service starts in System32: relative paths (data/, outbox/, templates/) resolve next to the exe.
            Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        }
        var configuration = AppConfiguration.Build(settings.ConfigFile);
        // Migrated before the host starts: Quartz validates its tables (migration 0201) when the scheduler starts.
        var database = AppServices.OpenDatabase(configuration);
        try
        {
            await database.EnsureMigratedAsync(cancellationToken);
        }
        catch (DatabaseMigrationException e) when (database.Provider == DatabaseProvider.Postgres && IsUnreachable(e))
        {
            // The usual cause at start-up is not a bug but a server that is down, not yet up, or elsewhere.
            throw new UserErrorException(Texts.Format("cli.serve.cannot_reach_the_postgresql", Describe(database.ConnectionString), e.InnerException?.Message ?? e.Message),
                Texts.Get("cli.hint.start_postgresql"));
        }
        catch (DatabaseMigrationException e)
        {
            throw new UserErrorException(e.Message, Texts.Get("cli.serve.fix_the_database_named"));
        }

        // Composing validates the settings: a bad value refuses the start with one error line (SettingsException).
        await using var host = Build(configuration, database, settings.Urls);
        var options = host.Services.GetRequiredService<SchedulingOptions>();
        var clustered = database.Provider == DatabaseProvider.Postgres && (options.Clustered ?? true);
        Say.Line("cli.serve.serving_scheduler_on_node", database.Provider.ToString().ToLowerInvariant(), Texts.Get(clustered ? "cli.serve.clustered" : "cli.serve.single_node"), SchedulerNode.Current.Name, options.TimeZone, settings.Urls ?? configuration["urls"] ?? NewsletterWeb.DefaultUrls);
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C / SIGTERM while the host was still starting: as graceful as a stop after the start.
        }
        AnsiConsole.MarkupLine(Texts.Get("cli.serve.stopped"));
        return NewsletterApp.Ok;
    }

    /// <summary>A connection failure (refused, timed out, unknown host, authentication) rather than a failed migration script.</summary>
    private static bool IsUnreachable(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException or TimeoutException or Npgsql.NpgsqlException { IsTransient: true }) return true;
            if (inner is Npgsql.PostgresException { SqlState: "28P01" or "28000" or "3D000" }) return true;   // password, role, no such database
        }
        return false;
    }

    /// <summary>Host, port and database of a PostgreSQL connection string, never its password.</summary>
    private static string Describe(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
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
        // The log goes through TerminalText's writer, which would show colour codes as ␛[…m: plain lines instead.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(
            o => o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        // As a service: under systemd (Type=notify) readiness and stop are signalled and log lines carry journal
        // priorities; as a Windows service, start/stop come from the service manager and logs go to the event log.
        // Outside a service manager both do nothing.
        if (Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSystemdConsole();
        }
        builder.Host.UseSystemd();
        builder.Host.UseWindowsService(o => o.ServiceName = "newsletter");

        builder.Services.AddSingleton(database);
        builder.Services.AddNewsletter(configuration);   // the application; settings validated here
        builder.Services.AddNewsletterScheduling(configuration, SchedulingDataExtensions.JobStore(database));
        builder.Services.AddNewsletterWeb(configuration);
        builder.Services.AddHostedService<BounceMailboxPoller>();   // issue 17: reads the return mailbox when Bounces:Host is set
        builder.Services.AddNewsletterMetrics(configuration);   // issue 20: /metrics when Metrics:Enabled
        var app = builder.Build();
        app.UseNewsletterMetricsToken();   // before the web's pipeline: a scrape without the token gets 401, not the sign-in page
        app.MapNewsletterWeb();
        app.MapNewsletterMetrics();
        return app;
    }
}
