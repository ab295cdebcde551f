using System.Globalization;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Reading and showing planned times. Input is ISO-8601 with an offset (<c>2026-11-30T09:00+08:00</c>, <c>…Z</c>),
/// or a local time without one (<c>2026-11-30 09:00</c>, <c>2026-11-30T09:00:00</c>) read in the given zone.
/// Stored times are UTC; shown times are in the configured zone.
/// </summary>
public static class ScheduleTime
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy/MM/dd HH:mm", "yyyy/MM/dd HH:mm:ss",
    ];

    /// <summary>The zone of an IANA (or Windows) id, or null when the machine knows none by that id.</summary>
    public static TimeZoneInfo? FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Parses <paramref name="text"/>; a time without offset is in <paramref name="zone"/>.</summary>
    /// <returns>The instant in UTC, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static DateTimeOffset? TryParse(string? text, TimeZoneInfo zone, out string error)
    {
        error = "";
        var value = (text ?? "").Trim();
        if (value.Length == 0)
        {
            error = Texts.Get("core.schedule.no_time");
            return null;
        }
        if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            if (zone.IsInvalidTime(local))
            {
                error = Texts.Format("core.schedule.skipped_time", value, zone.Id);
                return null;
            }
            return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        }
        if (HasOffset(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset))
        {
            return withOffset.ToUniversalTime();
        }
        error = Texts.Format("core.schedule.not_a_time", value, zone.Id);
        return null;
    }

    /// <summary>"2026-11-30 09:00 (Asia/Shanghai)", with seconds when they are not zero.</summary>
    public static string Show(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var format = local.Second == 0 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss";
        return local.ToString(format, CultureInfo.InvariantCulture) + $" ({zone.Id})";
    }

    private static bool HasOffset(string value) =>
        value.EndsWith('Z') || value.EndsWith('z') ||
        (value.Length > 6 && (value[^6] is '+' or '-') && value[^3] == ':');
}
