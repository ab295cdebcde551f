using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Core.Scheduling;

/// <summary>
/// Reading what an editor typed (<see cref="Parse"/>): a plan in words — English (<c>--every monday --at 09:00</c>) or
/// Chinese (<c>每周一、四 9点半</c>) — with its time of day and day of the month, and the errors of each.
/// </summary>
public sealed partial record PlanRecurrence
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private const string WordsHint =
        "write day (daily), a weekday (monday, mon,thu, weekdays), month with --on 15, or in Chinese 每天 08:30, 每周一、四 09:00, 每月15日 09:00";

    private const string WeekdayHint = "use monday … sunday (mon, tue, …) or 一 二 三 四 五 六 日, several with commas: mon,thu or 每周一、四";

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
