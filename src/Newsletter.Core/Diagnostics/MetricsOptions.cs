using FluentValidation;

namespace Newsletter.Core.Diagnostics;

/// <summary>
/// The Prometheus endpoint of <c>serve</c>, bound from the section <c>Metrics</c> (<c>NEWSLETTER_Metrics__Enabled</c>, …).
/// </summary>
public sealed record MetricsOptions
{
    /// <summary>Whether <c>serve</c> answers <c>GET /metrics</c> (<see cref="NewsletterMetrics"/>, Prometheus text format). Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// The bearer token a scrape must send (<c>Authorization: Bearer …</c>), at least 16 characters. Default empty: one
    /// is generated on first use and kept in the database (<c>app_secrets</c>, shared by every node);
    /// <c>newsletter secrets metrics-token</c> prints it.
    /// </summary>
    public string Token { get; init; } = "";

    /// <summary>The shortest token accepted.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>The name of the generated token in <c>app_secrets</c>.</summary>
    public const string SecretName = "metrics-token";
}

/// <summary>Checks <see cref="MetricsOptions"/> at start: a token, when set, is long enough to be a secret.</summary>
public sealed class MetricsOptionsValidator : AbstractValidator<MetricsOptions>
{
    public MetricsOptionsValidator() =>
        RuleFor(o => o.Token).Must(t => t.Length == 0 || t.Trim().Length >= MetricsOptions.MinimumTokenLength)
            .WithMessage(_ => Localization.Texts.Get("core.settings.metrics_token"));
}

/// <summary><c>Metrics</c>: off, or on behind a bearer token.</summary>
public sealed class MetricsCheck(MetricsOptions options) : IDoctorCheck
{
    public Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "metrics";
        DoctorFinding finding = !options.Enabled
            ? new(Name, DoctorLevel.Ok, Localization.Texts.Get("core.doctor.metrics_off"))
            : options.Token.Length > 0
                ? new(Name, DoctorLevel.Ok, Localization.Texts.Get("core.doctor.metrics_on_token"))
                : new(Name, DoctorLevel.Ok, Localization.Texts.Get("core.doctor.metrics_on_generated"));
        return Task.FromResult<IReadOnlyList<DoctorFinding>>([finding]);
    }
}
