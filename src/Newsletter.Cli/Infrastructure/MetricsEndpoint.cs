using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Newsletter.Core;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Security;
using OpenTelemetry.Metrics;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// <c>GET /metrics</c> of <c>serve</c> (issue 20): <see cref="NewsletterMetrics"/> in Prometheus text format, through the
/// OpenTelemetry exporter, when <c>Metrics:Enabled</c> is on. Every scrape must carry the bearer token
/// (<see cref="MetricsOptions.Token"/>, else the generated one): Prometheus sends it with <c>authorization:
/// credentials_file</c>. A token rather than "loopback only", because serve usually sits behind a reverse proxy on the
/// same machine, where every request comes from loopback.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Adds the OpenTelemetry meter provider with the Prometheus exporter, when metrics are on.</summary>
    public static IServiceCollection AddNewsletterMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        if (SettingsBinder.Load(configuration, "Metrics", new MetricsOptionsValidator()).Enabled)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(NewsletterMetrics.MeterName).AddPrometheusExporter());
        }
        return services;
    }

    /// <summary>
    /// Refuses a scrape of <see cref="Path"/> without the token (401), before the web admin's pipeline would send it to
    /// the sign-in page. Call before <c>MapNewsletterWeb</c>.
    /// </summary>
    public static WebApplication UseNewsletterMetricsToken(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<MetricsOptions>();
        if (!options.Enabled)
        {
            return app;
        }
        var expected = Encoding.UTF8.GetBytes(Token(options, app.Services.GetRequiredService<IAppSecrets>()));
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase) && !Authorized(context.Request, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"newsletter metrics\"";
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>Maps <see cref="Path"/> to the Prometheus exporter, when metrics are on. The token is checked before.</summary>
    public static WebApplication MapNewsletterMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<MetricsOptions>().Enabled)
        {
            app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous();   // the bearer token stands in for the sign-in
        }
        return app;
    }

    /// <summary>The configured token, else the one generated once and kept in the database.</summary>
    public static string Token(MetricsOptions options, IAppSecrets secrets) =>
        options.Token.Length > 0
            ? options.Token.Trim()
            : Base64Url(secrets.GetOrCreateAsync(MetricsOptions.SecretName, 24).GetAwaiter().GetResult());

    private static bool Authorized(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), expected);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
