using System.Globalization;
using Newsletter.Core.Audience;
using Newsletter.Data;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter secrets …</c>: rotating the secrets kept in the database.</summary>
internal static class SecretsCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("secrets", b =>
        {
            b.SetDescription(Texts.Get("cli.secrets.secrets.description"));
            b.AddCommand<SecretsRotateTokenCommand>("rotate-token")
                .WithDescription(Texts.Get("cli.secrets.rotate_token.description"))
                .WithExample("secrets", "rotate-token");
            b.AddCommand<SecretsMetricsTokenCommand>("metrics-token")
                .WithDescription("Print the bearer token Prometheus sends to serve's /metrics (Metrics:Token, else the one generated and kept in the database).")
                .WithExample("secrets", "metrics-token");
        });
}

internal sealed class SecretsRotateTokenCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var grace = services.GetRequiredService<SubscriberTokenOptions>().TokenGracePeriod;
        var rotation = await services.GetRequiredService<TokenKeyStore>().RotateAsync(grace, cancellationToken);
        // A running serve picks the new key up within a minute (it reloads the key ring); nothing else to restart.
        Console.Out.WriteLine(Texts.Format("cli.secrets.rotated", rotation.Version, LocalTime.Show(rotation.PreviousValidUntil),
            grace.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)));
        return NewsletterApp.Ok;
    }
}

/// <summary><c>secrets metrics-token</c>: the token for Prometheus' <c>credentials_file</c> (issue 20).</summary>
internal sealed class SecretsMetricsTokenCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var options = services.GetRequiredService<Newsletter.Core.Diagnostics.MetricsOptions>();
        await Console.Out.WriteLineAsync(MetricsEndpoint.Token(options, services.GetRequiredService<Newsletter.Core.Security.IAppSecrets>()));
        if (!options.Enabled)
        {
            await Console.Error.WriteLineAsync(Texts.Get("cli.secrets.metrics_disabled_note"));
        }
        return NewsletterApp.Ok;
    }
}
