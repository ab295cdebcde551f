using System.Globalization;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Reading a typed cron (<see cref="ParseCron"/>): a 5-field Unix cron (or <c>@daily</c> …) converted to the Quartz cron
/// the scheduler stores, or a 6/7-field Quartz cron checked as is.
/// </summary>
public sealed partial record PlanRecurrence
{
    private const string CronHint =
        "write a 5-field Unix cron (minute hour day month weekday: \"0 9 * * 1\") or Quartz, seconds first (\"0 0 9 ? * MON\") — or use words: --every monday --at 09:00";

    /// <summary>A 5-field Unix cron (or <c>@daily</c> …) converted to Quartz, or a 6/7-field Quartz cron checked as is.</summary>
    public static PlanRecurrenceResult ParseCron(string cron)
    {
        var text = cron.Trim();
        var unix = text.ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ => text,
        };
        var fields = unix.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        string quartz;
        if (fields.Length == 5)
        {
            var (dom, dow) = (fields[2], fields[4]);
            var domAny = dom is "*" or "?";
            var dowAny = dow is "*" or "?";
            if (!domAny && !dowAny)
            {
                return Fail("cron_both_days", $"\"{text}\" names both a day of the month and a weekday (Unix cron fires on either), which a plan cannot say",
                    "make two plans, or put * in one of the two fields", text);
            }
            string? quartzDow = dowAny ? "?" : UnixWeekdays(dow);
            if (quartzDow is null)
            {
                return BadCron(text, $"the weekday field '{dow}' is not 0–7 (0 and 7 are Sunday) or mon … sun");
            }
            quartz = $"0 {fields[0]} {fields[1]} {(dowAny ? (domAny ? "*" : dom) : "?")} {fields[3]} {quartzDow}";
        }
        else if (fields.Length is 6 or 7)
        {
            quartz = string.Join(' ', fields);
        }
        else
        {
            return BadCron(text, $"it has {fields.Length} fields; Unix cron has 5, Quartz 6 or 7");
        }
        try
        {
            CronExpression.Parse(quartz);
        }
        catch (FormatException e)
        {
            return BadCron(text, e.Message);
        }
        return new PlanRecurrenceResult(quartz, null);
    }

    private static PlanRecurrenceResult BadCron(string cron, string reason) =>
        Fail("bad_cron", $"\"{cron}\" is not a valid cron expression: {reason}", CronHint, cron, reason);

    /// <summary>A Unix weekday field (0–7, names, ranges, lists, steps) as a Quartz one with names; null when unreadable.</summary>
    private static string? UnixWeekdays(string field)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var part in field.Split(','))
        {
            var (range, step) = part.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
                _ => ("", 0),
            };
            if (step == 0) return null;
            int from, to;
            if (range == "*")
            {
                (from, to) = (0, 6);
            }
            else if (range.Split('-') is [var a, var b] && UnixDay(a) is { } x && UnixDay(b) is { } y)
            {
                (from, to) = (x, y == 0 && b.Trim() is "7" ? 7 : y);
                if (to < from) to += 7;   // fri-sun
            }
            else if (UnixDay(range) is { } single)
            {
                (from, to) = (single, step > 1 ? 6 : single);
            }
            else
            {
                return null;
            }
            for (var d = from; d <= to; d += step)
            {
                days.Add((DayOfWeek)(d % 7));
            }
        }
        return string.Join(",", Sorted(days).Select(d => QuartzDays[(int)d]));
    }

    private static int? UnixDay(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 0 and <= 7 ? n % 7 : null;
        }
        var index = Array.FindIndex(QuartzDays, d => d.Equals(t, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : null;
    }
}
