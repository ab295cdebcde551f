using System.Globalization;
using Microsoft.Extensions.Configuration;
using Newsletter.Core.Scheduling;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Times as the CLI shows them: in <c>Scheduling:TimeZone</c> (default Asia/Shanghai), the zone named —
/// "2026-12-10 09:00 (Asia/Shanghai)". JSON output keeps ISO-8601 with its offset. Set once per run by
/// <see cref="AppServices.Build"/>; an unknown zone falls back to the default (the scheduler reports the setting).
/// </summary>
internal static class LocalTime
{
    public const string DefaultZone = "Asia/Shanghai";

    public static TimeZoneInfo Zone { get; private set; } = ScheduleTime.FindZone(DefaultZone) ?? TimeZoneInfo.Utc;

    public static void Use(IConfiguration configuration) =>
        Zone = ScheduleTime.FindZone(configuration["Scheduling:TimeZone"] is { Length: > 0 } id ? id : DefaultZone)
            ?? ScheduleTime.FindZone(DefaultZone) ?? TimeZoneInfo.Utc;

    /// <summary>"2026-12-10 09:00 (Asia/Shanghai)".</summary>
    public static string Show(DateTimeOffset instant) => ScheduleTime.Show(instant, Zone);

    /// <summary>"2026-12-10 09:00 (Asia/Shanghai)", or "-" for none.</summary>
    public static string Show(DateTimeOffset? instant) => instant is { } value ? Show(value) : "-";

    /// <summary>"2026-12-10 09:00" in the zone, for a table whose header names the zone (<see cref="Header"/>).</summary>
    public static string Short(DateTimeOffset? instant) => instant is { } value
        ? TimeZoneInfo.ConvertTime(value, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : "-";

    /// <summary>A time column's header with the zone: "received (Asia/Shanghai)".</summary>
    public static string Header(string label) => $"{label} ({Zone.Id})";
}
