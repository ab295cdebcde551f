using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Quartz;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// What an editor typed for a recurring plan: words (<see cref="Every"/> with <see cref="At"/> and <see cref="On"/>)
/// or a cron expression (<see cref="Cron"/>), never both.
/// </summary>
/// <param name="Every">
/// <c>day</c>/<c>daily</c>, weekdays (<c>monday</c>, <c>mon,thu</c>, <c>mon-fri</c>, <c>weekdays</c>),
/// <c>month</c>/<c>monthly</c> (with <paramref name="On"/>), or a Chinese phrase that may carry its time
/// (<c>每周一 09:00</c>, <c>每天 8:30</c>, <c>每月15日 9点</c>, <c>每周一、四 9:00</c>, <c>工作日</c>, <c>每月最后一天</c>).
/// </param>
/// <param name="At">The time of day, <c>09:00</c> (also <c>9:00</c>, <c>9点半</c>, <c>下午3点</c>, <c>9am</c>).</param>
/// <param name="On">The day of the month of a monthly plan, 1–31 or <c>last</c>.</param>
/// <param name="Cron">A 5-field Unix cron (<c>0 9 * * 1</c>, <c>@daily</c>) or a Quartz cron, seconds first (<c>0 0 9 ? * MON</c>).</param>
public sealed record PlanInput(string? Every = null, string? At = null, string? On = null, string? Cron = null);

/// <summary>
/// Why a <see cref="PlanInput"/> was refused: a stable <see cref="Code"/> with its <see cref="Args"/> (the web shows it
/// in the reader's language from <c>plan.error.&lt;code&gt;</c>), and the English <see cref="Message"/> and <see cref="Hint"/>
/// (what is wrong, how to fix it) the CLI prints.
/// </summary>
public sealed record PlanRecurrenceError(string Code, string Message, string Hint, IReadOnlyList<string> Args);

/// <summary>The outcome of reading a <see cref="PlanInput"/>: the Quartz cron to store, or the one error.</summary>
public sealed record PlanRecurrenceResult(string? Cron, PlanRecurrenceError? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>How often a plan in words fires.</summary>
public enum PlanFrequency
{
    Daily,
    Weekly,
    Monthly,
}

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
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private const string WordsHint =
        "write day (daily), a weekday (monday, mon,thu, weekdays), month with --on 15, or in Chinese 每天 08:30, 每周一、四 09:00, 每月15日 09:00";

    private const string WeekdayHint = "use monday … sunday (mon, tue, …) or 一 二 三 四 五 六 日, several with commas: mon,thu or 每周一、四";

    private const string CronHint =
        "write a 5-field Unix cron (minute hour day month weekday: \"0 9 * * 1\") or Quartz, seconds first (\"0 0 9 ? * MON\") — or use words: --every monday --at 09:00";

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

    /// <summary>
    /// Reads what the editor typed into the Quartz cron to store: words (<see cref="PlanInput.Every"/>, <see cref="PlanInput.At"/>,
    /// <see cref="PlanInput.On"/>), a 5-field Unix cron (converted) or a Quartz cron (as is). Never throws for bad input.
    /// </summary>
    public static PlanRecurrenceResult Parse(PlanInput input)
    {
        var every = Clean(input.Every);
        var at = Clean(input.At);
        var on = Clean(input.On);
        var cron = (input.Cron ?? "").Trim();
        if (cron.Length > 0)
        {
            if (every.Length > 0 || at.Length > 0 || on.Length > 0)
            {
                return Fail("cron_and_words", "a plan is given either as a cron expression or in words, not both",
                    "keep --cron \"0 9 * * 1\" alone, or drop it and use --every monday --at 09:00");
            }
            return ParseCron(cron);
        }
        if (every.Length == 0)
        {
            return Fail("empty", "no recurrence given",
                "say when: --every monday --at 09:00, --every \"每周一 09:00\" or --cron \"0 9 * * 1\"");
        }
        return ParseWords(every, at, on);
    }

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

    private static PlanRecurrenceResult ParseWords(string every, string at, string on)
    {
        // A Chinese phrase may carry its time: 每周一 09:00, 每天8点半.
        var phraseTime = "";
        var match = TrailingTime().Match(every);
        if (match.Success && match.Index > 0)
        {
            phraseTime = match.Value.Trim();
            every = every[..match.Index].Trim().TrimEnd(',', '，', '的').Trim();
            if (every.EndsWith(" at", StringComparison.OrdinalIgnoreCase))
            {
                every = every[..^3].Trim();
            }
        }
        // What recurs first (每周八 is about the weekday, whatever the time), then when in the day.
        var pattern = ParsePattern(every, on);
        if (pattern.Error is not null)
        {
            return pattern;
        }
        if (phraseTime.Length > 0 && at.Length > 0)
        {
            return Fail("time_twice", $"the time is given twice ('{phraseTime}' and --at {at})", "give it once, in the phrase or with --at", phraseTime, at);
        }
        var timeText = phraseTime.Length > 0 ? phraseTime : at;
        if (timeText.Length == 0)
        {
            return Fail("missing_time", $"'{every}' has no time of day", "add --at 09:00, or write it in the phrase: \"每周一 09:00\"", every);
        }
        if (ParseTime(timeText) is not { } time)
        {
            return Fail("bad_time", $"'{timeText}' is not a time of day", "write it as 09:00 (24-hour, 00:00–23:59), or 9点半, 下午3点", timeText);
        }
        return Ok(FromCron(pattern.Cron!)! with { Time = time });
    }

    /// <summary>The recurrence of the words, at midnight (the time is read separately).</summary>
    private static PlanRecurrenceResult ParsePattern(string every, string on)
    {
        var midnight = TimeOnly.MinValue;
        var key = every.ToLowerInvariant();
        if (key.StartsWith("every ", StringComparison.Ordinal))
        {
            key = key["every ".Length..].Trim();
        }
        switch (key)
        {
            case "day" or "daily" or "everyday" or "每天" or "每日" or "天天" or "每一天":
                return OnlyMonthlyTakesOn(on) ?? Ok(new PlanRecurrence(PlanFrequency.Daily, [], 0, midnight));
            case "weekday" or "weekdays" or "workday" or "workdays" or "工作日" or "每个工作日" or "每工作日":
                return OnlyMonthlyTakesOn(on) ?? Ok(new PlanRecurrence(PlanFrequency.Weekly, Week.Take(5).ToList(), 0, midnight));
            case "week" or "weekly" or "每周" or "每星期" or "每个星期" or "每礼拜":
                return Fail("missing_weekday", $"'{every}' does not say on which weekday", "name it: --every monday, --every mon,thu or 每周一", every);
            case "month" or "monthly" or "每月" or "每个月":
                if (on.Length == 0)
                {
                    return Fail("missing_day", $"'{every}' does not say on which day of the month", "add --on 15 (or --on last), or write 每月15日", every);
                }
                return DayOfMonthText(on) is { } d ? Ok(new PlanRecurrence(PlanFrequency.Monthly, [], d, midnight)) : BadDay(on);
        }
        if (MonthlyPhrase().Match(key) is { Success: true } monthly)
        {
            if (on.Length > 0)
            {
                return Fail("on_twice", $"the day of the month is given twice ('{every}' and --on {on})", "give it once", every, on);
            }
            var dayText = monthly.Groups["day"].Value;
            return DayOfMonthText(dayText) is { } d ? Ok(new PlanRecurrence(PlanFrequency.Monthly, [], d, midnight)) : BadDay(dayText);
        }

        // Weekdays: 每周一、四 · 周一,周四 · 星期一至五 · monday · mon,thu · mon-fri · mondays and thursdays.
        var chinese = ChineseWeekly().Match(key);
        var list = chinese.Success ? chinese.Groups["days"].Value : key;
        var days = new HashSet<DayOfWeek>();
        foreach (var item in WeekdaySeparator().Split(list).Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            var range = WeekdayRange().Match(item);
            if (range.Success)
            {
                var (from, to) = (Weekday(range.Groups["from"].Value), Weekday(range.Groups["to"].Value));
                if (from is null || to is null)
                {
                    return UnknownWeekday(every, from is null ? range.Groups["from"].Value : range.Groups["to"].Value, chinese.Success);
                }
                for (var i = MondayIndex(from.Value); ; i = (i + 1) % 7)
                {
                    days.Add(Week[i]);
                    if (Week[i] == to.Value) break;
                }
                continue;
            }
            if (Weekday(item) is { } one)
            {
                days.Add(one);
                continue;
            }
            // 每周一四 (no separator): each character a weekday.
            if (chinese.Success && item.All(c => Weekday(c.ToString()) is not null))
            {
                days.UnionWith(item.Select(c => Weekday(c.ToString())!.Value));
                continue;
            }
            return UnknownWeekday(every, item, chinese.Success);
        }
        if (days.Count == 0)
        {
            return Fail("unknown_every", $"'{every}' is not a recurrence", WordsHint, every);
        }
        if (OnlyMonthlyTakesOn(on) is { } error)
        {
            return error;
        }
        return Ok(days.Count == 7
            ? new PlanRecurrence(PlanFrequency.Daily, [], 0, midnight)
            : new PlanRecurrence(PlanFrequency.Weekly, Sorted(days), 0, midnight));
    }

    private static int MondayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    private static PlanRecurrenceResult UnknownWeekday(string every, string item, bool chinese)
    {
        // A phrase that is neither a weekday list nor anything else known reads best as "not a recurrence".
        var looksLikeDays = chinese || every.Contains(',', StringComparison.Ordinal) || item.Length <= 3 || item.EndsWith("day", StringComparison.Ordinal);
        return looksLikeDays
            ? Fail("unknown_weekday", $"'{every}': '{item}' is not a weekday", WeekdayHint, every, item)
            : Fail("unknown_every", $"'{every}' is not a recurrence", WordsHint, every);
    }

    private static PlanRecurrenceResult? OnlyMonthlyTakesOn(string on) => on.Length == 0
        ? null
        : Fail("on_not_monthly", $"--on {on} is only for monthly plans", "use --every month --on 15, or drop --on", on);

    private static PlanRecurrenceResult BadDay(string text) =>
        Fail("bad_day", $"'{text}' is not a day of the month", "give 1–31 or last (每月最后一天); months without that day are skipped", text);

    private static PlanRecurrenceResult BadCron(string cron, string reason) =>
        Fail("bad_cron", $"\"{cron}\" is not a valid cron expression: {reason}", CronHint, cron, reason);

    private static PlanRecurrenceResult Ok(PlanRecurrence recurrence) => new(recurrence.ToCron(), null);

    private static PlanRecurrenceResult Fail(string code, string message, string hint, params string[] args) =>
        new(null, new PlanRecurrenceError(code, message, hint, args));

    /// <summary>Full-width digits and colons made ASCII (NFKC), spaces collapsed.</summary>
    private static string Clean(string? text) =>
        Regex.Replace((text ?? "").Normalize(NormalizationForm.FormKC).Trim(), @"\s+", " ", RegexOptions.None, RegexTimeout);

    private static int? DayOfMonthText(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "last" or "l" or "最后一天" or "月底" or "月末" or "底" or "末")
        {
            return LastDay;
        }
        t = t.TrimEnd('日', '号', '號');
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day is >= 1 and <= 31 ? day : null;
    }

    internal static TimeOnly? ParseTime(string text)
    {
        var m = TimeOfDay().Match(text.Trim());
        // A bare number (9) is not a time: 9:00, 9点 or 9am is.
        if (!m.Success || !(m.Groups["m"].Success || m.Groups["dot"].Success || m.Groups["am"].Success || m.Groups["pm"].Success))
        {
            return null;
        }
        var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minuteText = m.Groups["m"].Success ? m.Groups["m"].Value : m.Groups["m2"].Value;
        var minute = m.Groups["half"].Success ? 30 : minuteText.Length > 0 ? int.Parse(minuteText, CultureInfo.InvariantCulture) : 0;
        var afternoon = m.Groups["pm"].Success || m.Groups["ampm"].Value is "下午" or "晚上" || (m.Groups["ampm"].Value == "中午" && hour < 3);
        var morning = m.Groups["am"].Success || m.Groups["ampm"].Value is "上午" or "早上";
        if ((afternoon || morning) && hour is < 1 or > 12)
        {
            return null;
        }
        if (afternoon && hour < 12) hour += 12;
        if (morning && hour == 12) hour = 0;
        return hour is >= 0 and <= 23 && minute is >= 0 and <= 59 ? new TimeOnly(hour, minute) : null;
    }

    private static DayOfWeek? Weekday(string item)
    {
        var t = item.Trim().ToLowerInvariant();
        foreach (var prefix in new[] { "星期", "礼拜", "禮拜", "周", "週" })
        {
            if (t.StartsWith(prefix, StringComparison.Ordinal) && t.Length > prefix.Length)
            {
                t = t[prefix.Length..];
                break;
            }
        }
        return t switch
        {
            "monday" or "mondays" or "mon" or "mo" or "一" => DayOfWeek.Monday,
            "tuesday" or "tuesdays" or "tue" or "tues" or "tu" or "二" => DayOfWeek.Tuesday,
            "wednesday" or "wednesdays" or "wed" or "we" or "三" => DayOfWeek.Wednesday,
            "thursday" or "thursdays" or "thu" or "thur" or "thurs" or "th" or "四" => DayOfWeek.Thursday,
            "friday" or "fridays" or "fri" or "fr" or "五" => DayOfWeek.Friday,
            "saturday" or "saturdays" or "sat" or "sa" or "六" => DayOfWeek.Saturday,
            "sunday" or "sundays" or "sun" or "su" or "日" or "天" => DayOfWeek.Sunday,
            _ => null,
        };
    }

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

    /// <summary>A time of day: 09:00, 9:00, 9点, 9点半, 9点30分, 9时, 下午3点, 9am, 9:30 pm.</summary>
    [GeneratedRegex(@"^(?<ampm>上午|早上|中午|下午|晚上)?\s*(?<h>\d{1,2})(?::(?<m>\d{2})|\s*(?<dot>[点點时時])(?:(?<half>半)|整|(?<m2>\d{1,2})分?)?)?\s*(?:(?<am>am|a\.m\.)|(?<pm>pm|p\.m\.))?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TimeOfDay();

    /// <summary>A time of day at the end of a phrase, with a colon, 点/时 or am/pm (so 每月15日 is not read as a time).</summary>
    [GeneratedRegex(@"(?:上午|早上|中午|下午|晚上)?\s*\d{1,2}(?::\d{2}(?:\s*(?:am|pm))?|\s*[点點时時](?:半|整|\d{1,2}分?)?|\s*(?:am|pm))$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TrailingTime();

    [GeneratedRegex(@"^每个?月\s*(?<day>\d{1,2}\s*[日号號]?|最后一天|月?底|月?末)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex MonthlyPhrase();

    [GeneratedRegex(@"^(?:每周|每週|每星期|每个星期|每礼拜|每禮拜|每个礼拜)(?<days>.+)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ChineseWeekly();

    [GeneratedRegex(@"\s*(?:,|、|，|/|;|；|\band\b|和|及|与)\s*|\s+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WeekdaySeparator();

    [GeneratedRegex(@"^(?<from>[^-~至到]+)\s*(?:-|~|至|到)\s*(?<to>[^-~至到]+)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WeekdayRange();
}
