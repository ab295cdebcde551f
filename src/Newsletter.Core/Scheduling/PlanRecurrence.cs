using System.Globalization;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// A plan in words — daily, weekly on some weekdays, monthly on a day — at a time of day. It is stored as the Quartz
/// cron of <see cref="ToCron"/> (the scheduler knows nothing else) and read back from such a cron by <see cref="FromCron"/>,
/// so a plan typed as <c>0 9 * * 1</c> is shown as 每周一 09:00 too.
/// </summary>
/// <param name="Weekdays">The weekdays of a weekly plan, Monday first; empty otherwise.</param>
/// <param name="DayOfMonth">The day of a monthly plan, 1–31, or <see cref="LastDay"/>; 0 otherwise.</param>
public sealed partial record PlanRecurrence(PlanFrequency Frequency, IReadOnlyList<DayOfWeek> Weekdays, int DayOfMonth, TimeOnly Time)
{
    /// <summary>The <see cref="DayOfMonth"/> of "the last day of each month" (Quartz <c>L</c>).</summary>
    public const int LastDay = -1;

    /// <summary>Monday first, as a Chinese week (and ISO) starts.</summary>
    public static readonly IReadOnlyList<DayOfWeek> Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private static readonly string[] QuartzDays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] ChineseDays = ["日", "一", "二", "三", "四", "五", "六"];

    /// <summary>The Quartz cron of this plan, seconds first: <c>0 0 9 ? * MON,THU</c>.</summary>
    public string ToCron()
    {
        var minute = Time.Minute.ToString(CultureInfo.InvariantCulture);
        var hour = Time.Hour.ToString(CultureInfo.InvariantCulture);
        return Frequency switch
        {
            PlanFrequency.Daily => $"0 {minute} {hour} * * ?",
            PlanFrequency.Weekly => $"0 {minute} {hour} ? * {string.Join(",", Sorted(Weekdays).Select(d => QuartzDays[(int)d]))}",
            _ => $"0 {minute} {hour} {(DayOfMonth == LastDay ? "L" : DayOfMonth.ToString(CultureInfo.InvariantCulture))} * ?",
        };
    }

    /// <summary>The plan in words: 每周一、四 09:00, 每天 08:30, 每月15日 09:00 — or in English.</summary>
    public string Describe(bool english)
    {
        var time = Time.ToString("HH:mm", CultureInfo.InvariantCulture);
        var days = Sorted(Weekdays);
        var workdays = days.Count == 5 && days.All(d => d is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        if (english)
        {
            return Frequency switch
            {
                PlanFrequency.Daily => $"every day at {time}",
                PlanFrequency.Weekly when workdays => $"every weekday (Mon–Fri) at {time}",
                PlanFrequency.Weekly => $"every {EnglishList(days.Select(d => d.ToString()).ToList())} at {time}",
                _ when DayOfMonth == LastDay => $"monthly on the last day at {time}",
                _ => $"monthly on day {DayOfMonth} at {time}",
            };
        }
        return Frequency switch
        {
            PlanFrequency.Daily => $"每天 {time}",
            PlanFrequency.Weekly when workdays => $"每个工作日 {time}",
            PlanFrequency.Weekly => $"每周{string.Join("、", days.Select(d => ChineseDays[(int)d]))} {time}",
            _ when DayOfMonth == LastDay => $"每月最后一天 {time}",
            _ => $"每月{DayOfMonth}日 {time}",
        };
    }

    /// <summary>The words of a stored cron (<see cref="Describe"/>), or the cron itself when it is not a plan in words.</summary>
    public static string Words(string cron, bool english) => FromCron(cron)?.Describe(english) ?? cron;

    /// <summary>
    /// Reads a Quartz cron back into words when it is one of the shapes words make (second 0, one minute and hour,
    /// every month; every day, some weekdays, or one day of the month); null otherwise (<c>0 */15 * * * ?</c>).
    /// </summary>
    public static PlanRecurrence? FromCron(string cron)
    {
        var f = (cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length is not (6 or 7) || f[0] != "0" || f[4] != "*" || (f.Length == 7 && f[6] != "*")
            || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute) || minute > 59
            || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23)
        {
            return null;
        }
        var time = new TimeOnly(hour, minute);
        var (dom, dow) = (f[3], f[5].ToUpperInvariant());
        if ((dom is "*" or "?") && (dow is "*" or "?") && dom != dow)
        {
            return new PlanRecurrence(PlanFrequency.Daily, [], 0, time);
        }
        if (dom == "?" && QuartzWeekdays(dow) is { } days)
        {
            return days.Count == 7 ? new PlanRecurrence(PlanFrequency.Daily, [], 0, time) : new PlanRecurrence(PlanFrequency.Weekly, days, 0, time);
        }
        if (dow == "?" && (dom == "L" || (int.TryParse(dom, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day is >= 1 and <= 31)))
        {
            return new PlanRecurrence(PlanFrequency.Monthly, [], dom == "L" ? LastDay : int.Parse(dom, CultureInfo.InvariantCulture), time);
        }
        return null;
    }

    /// <summary>The next <paramref name="count"/> firings of a Quartz cron in <paramref name="zone"/> after <paramref name="after"/> (fewer when it stops).</summary>
    public static IReadOnlyList<DateTimeOffset> NextFirings(string cron, TimeZoneInfo zone, DateTimeOffset after, int count)
    {
        if (!CronExpression.TryParse(cron, out var expression) || expression is null)
        {
            return [];
        }
        expression = expression.WithTimeZone(zone);
        var list = new List<DateTimeOffset>(count);
        var from = after;
        while (list.Count < count && expression.GetNextValidTimeAfter(from) is { } next)
        {
            list.Add(next);
            from = next;
        }
        return list;
    }

    /// <summary>"2026-12-07 周一 09:00": a firing in local time with its weekday (the zone is shown once, by the caller).</summary>
    public static string ShowFiring(DateTimeOffset instant, TimeZoneInfo zone, bool english)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var day = english ? local.DayOfWeek.ToString()[..3] : "周" + ChineseDays[(int)local.DayOfWeek];
        return $"{local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} {day} {local.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }

    private static int MondayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    /// <summary>The weekdays of a Quartz weekday field made of names or 1–7 (1 is Sunday), lists and ranges; null otherwise.</summary>
    private static List<DayOfWeek>? QuartzWeekdays(string field)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var part in field.Split(','))
        {
            var ends = part.Split('-');
            var indices = ends.Select(QuartzDay).ToList();
            if (ends.Length is < 1 or > 2 || indices.Any(i => i is null)) return null;
            var (from, to) = (indices[0]!.Value, indices[^1]!.Value);
            for (var i = from; ; i = (i + 1) % 7)
            {
                days.Add((DayOfWeek)i);
                if (i == to) break;
            }
        }
        return Sorted(days);
    }

    private static int? QuartzDay(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 1 and <= 7 ? n - 1 : null;
        }
        var index = Array.FindIndex(QuartzDays, d => d.Equals(text, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : null;
    }

    private static List<DayOfWeek> Sorted(IEnumerable<DayOfWeek> days) => [.. days.Distinct().OrderBy(MondayIndex)];

    private static string EnglishList(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
