using FluentValidation;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// How the scheduler behaves, bound from the section <c>Scheduling</c> (<c>NEWSLETTER_Scheduling__MisfireGrace</c>).
/// Checked at start by <see cref="SchedulingOptionsValidator"/>.
/// </summary>
public sealed record SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>The zone times are entered and shown in (IANA id). Default <c>Asia/Shanghai</c>; stored times are UTC.</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>How late a firing may still send (the host was down at the planned time). Default 2 hours; later is <c>missed</c>.</summary>
    public TimeSpan MisfireGrace { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How often <c>serve</c> re-reads scheduled campaigns and plans into Quartz triggers. Default 5 s (1 s – 5 min).</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the delivery engine looks for running campaigns with messages due. Default 30 s (1 s – 1 h).</summary>
    public TimeSpan DeliveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a clustered node checks in (PostgreSQL). A node silent for about this plus <see cref="ClusterFailoverGrace"/> is recovered from. Default 7.5 s.</summary>
    public TimeSpan ClusterCheckinInterval { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>How long past a missed check-in the other nodes wait before taking over. Default 7.5 s.</summary>
    public TimeSpan ClusterFailoverGrace { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// Whether <c>serve</c> runs Quartz clustered. Default: true where the database allows it (PostgreSQL); never
    /// where it does not (<see cref="JobStoreSettings.Clusterable"/>).
    /// </summary>
    public bool? Clustered { get; init; }

    /// <summary>The configured zone.</summary>
    /// <exception cref="SettingsException">The id names no zone this machine knows.</exception>
    public TimeZoneInfo Zone() => ScheduleTime.FindZone(TimeZone)
        ?? throw new SettingsException(Localization.Texts.Format("core.settings.unknown_zone", TimeZone));
}

/// <summary>The bounds of <see cref="SchedulingOptions"/>, checked once when the host starts (see <see cref="SettingsBinder"/>).</summary>
public sealed class SchedulingOptionsValidator : AbstractValidator<SchedulingOptions>
{
    public SchedulingOptionsValidator()
    {
        RuleFor(o => o.TimeZone).Must(zone => ScheduleTime.FindZone(zone) is not null)
            .WithMessage(_ => Localization.Texts.Get("core.settings.time_zone"));
        RuleFor(o => o.MisfireGrace).Within(TimeSpan.Zero, TimeSpan.FromDays(7));
        RuleFor(o => o.SyncInterval).Within(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        RuleFor(o => o.DeliveryInterval).Within(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        RuleFor(o => o.ClusterCheckinInterval).Within(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        RuleFor(o => o.ClusterFailoverGrace).Within(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }
}
