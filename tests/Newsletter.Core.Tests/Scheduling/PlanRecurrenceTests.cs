using Newsletter.Core.Scheduling;

namespace Newsletter.Core.Tests.Scheduling;

/// <summary>Plans in words (English and Chinese), Unix and Quartz cron, into the stored Quartz cron and back into words.</summary>
public sealed class PlanRecurrenceTests
{
    private static readonly TimeZoneInfo Shanghai = ScheduleTime.FindZone("Asia/Shanghai")!;

    [Theory]
    [InlineData("monday", "09:00", null, "0 0 9 ? * MON")]
    [InlineData("Monday", "9:00", null, "0 0 9 ? * MON")]
    [InlineData("every monday", "09:00", null, "0 0 9 ? * MON")]
    [InlineData("mon,thu", "09:00", null, "0 0 9 ? * MON,THU")]
    [InlineData("thu, mon", "09:00", null, "0 0 9 ? * MON,THU")]
    [InlineData("mondays and thursdays", "09:00", null, "0 0 9 ? * MON,THU")]
    [InlineData("mon-fri", "07:45", null, "0 45 7 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("weekdays", "07:45", null, "0 45 7 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("fri-sun", "18:00", null, "0 0 18 ? * FRI,SAT,SUN")]
    [InlineData("day", "08:30", null, "0 30 8 * * ?")]
    [InlineData("daily", "08:30", null, "0 30 8 * * ?")]
    [InlineData("mon,tue,wed,thu,fri,sat,sun", "08:30", null, "0 30 8 * * ?")]
    [InlineData("month", "09:00", "15", "0 0 9 15 * ?")]
    [InlineData("monthly", "09:00", "last", "0 0 9 L * ?")]
    [InlineData("daily", "9am", null, "0 0 9 * * ?")]
    [InlineData("daily", "9:30 pm", null, "0 30 21 * * ?")]
    [InlineData("daily", "０９：００", null, "0 0 9 * * ?")]
    [InlineData("每周一", "09:00", null, "0 0 9 ? * MON")]
    [InlineData("每周一 09:00", null, null, "0 0 9 ? * MON")]
    [InlineData("每天 08:30", null, null, "0 30 8 * * ?")]
    [InlineData("每日8点半", null, null, "0 30 8 * * ?")]
    [InlineData("每月15日 09:00", null, null, "0 0 9 15 * ?")]
    [InlineData("每月15号 9点", null, null, "0 0 9 15 * ?")]
    [InlineData("每月最后一天 17:30", null, null, "0 30 17 L * ?")]
    [InlineData("每月", "09:00", "1", "0 0 9 1 * ?")]
    [InlineData("每周一、四 9:00", null, null, "0 0 9 ? * MON,THU")]
    [InlineData("每周一、周四 9:00", null, null, "0 0 9 ? * MON,THU")]
    [InlineData("每周一四 9:00", null, null, "0 0 9 ? * MON,THU")]
    [InlineData("周一,周四", "9:00", null, "0 0 9 ? * MON,THU")]
    [InlineData("星期一至五 下午3点", null, null, "0 0 15 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("每个工作日 08:00", null, null, "0 0 8 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("每周日 晚上8点", null, null, "0 0 20 ? * SUN")]
    [InlineData("每周六 上午10点30分", null, null, "0 30 10 ? * SAT")]
    public void Words_become_the_stored_quartz_cron(string every, string? at, string? on, string expected)
    {
        var result = PlanRecurrence.Parse(new PlanInput(every, at, on));
        Assert.True(result.IsValid, result.Error?.Message);
        Assert.Equal(expected, result.Cron);
    }

    [Theory]
    [InlineData("0 9 * * 1", "0 0 9 ? * MON")]
    [InlineData("30 8 * * *", "0 30 8 * * ?")]
    [InlineData("0 9 15 * *", "0 0 9 15 * ?")]
    [InlineData("0 9 * * 1-5", "0 0 9 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("0 9 * * 0", "0 0 9 ? * SUN")]
    [InlineData("0 9 * * 7", "0 0 9 ? * SUN")]
    [InlineData("0 9 * * 1,4", "0 0 9 ? * MON,THU")]
    [InlineData("0 9 * * mon,thu", "0 0 9 ? * MON,THU")]
    [InlineData("0 9 * * 5-7", "0 0 9 ? * FRI,SAT,SUN")]
    [InlineData("0 9 * * */2", "0 0 9 ? * TUE,THU,SAT,SUN")]
    [InlineData("*/15 9-17 * * 1-5", "0 */15 9-17 ? * MON,TUE,WED,THU,FRI")]
    [InlineData("@daily", "0 0 0 * * ?")]
    [InlineData("@weekly", "0 0 0 ? * SUN")]
    [InlineData("0 0 9 ? * MON", "0 0 9 ? * MON")]
    [InlineData("  0  0 9 ? * MON ", "0 0 9 ? * MON")]
    [InlineData("0 0 9 ? * MON *", "0 0 9 ? * MON *")]
    public void Unix_cron_is_converted_and_quartz_cron_kept(string cron, string expected)
    {
        var result = PlanRecurrence.Parse(new PlanInput(Cron: cron));
        Assert.True(result.IsValid, result.Error?.Message);
        Assert.Equal(expected, result.Cron);
    }

    [Theory]
    [InlineData("0 0 9 ? * MON", "每周一 09:00", "every Monday at 09:00")]
    [InlineData("0 0 9 ? * MON,THU", "每周一、四 09:00", "every Monday and Thursday at 09:00")]
    [InlineData("0 0 9 ? * 2,5", "每周一、四 09:00", "every Monday and Thursday at 09:00")]
    [InlineData("0 0 9 ? * MON-FRI", "每个工作日 09:00", "every weekday (Mon–Fri) at 09:00")]
    [InlineData("0 30 8 * * ?", "每天 08:30", "every day at 08:30")]
    [InlineData("0 0 9 15 * ?", "每月15日 09:00", "monthly on day 15 at 09:00")]
    [InlineData("0 0 9 L * ?", "每月最后一天 09:00", "monthly on the last day at 09:00")]
    [InlineData("0 */15 * * * ?", "0 */15 * * * ?", "0 */15 * * * ?")]
    [InlineData("0 0 9 ? * MON#1", "0 0 9 ? * MON#1", "0 0 9 ? * MON#1")]
    public void Stored_cron_is_shown_in_words_when_it_is_one(string cron, string chinese, string english)
    {
        Assert.Equal(chinese, PlanRecurrence.Words(cron, english: false));
        Assert.Equal(english, PlanRecurrence.Words(cron, english: true));
    }

    [Theory]
    [InlineData("每周一、四 09:00")]
    [InlineData("每天 08:30")]
    [InlineData("每月15日 09:00")]
    [InlineData("每月最后一天 09:00")]
    [InlineData("每个工作日 09:00")]
    [InlineData("每周六、日 10:15")]
    public void Words_shown_read_back_to_the_same_plan(string words)
    {
        var cron = PlanRecurrence.Parse(new PlanInput(words)).Cron!;
        Assert.Equal(words, PlanRecurrence.Words(cron, english: false));
    }

    [Theory]
    [InlineData("每周八", "09:00", null, null, "unknown_weekday", "'八' is not a weekday")]
    [InlineData("每周八 09:00", null, null, null, "unknown_weekday", "'八' is not a weekday")]
    [InlineData("mon,funday", "09:00", null, null, "unknown_weekday", "'funday' is not a weekday")]
    [InlineData("fortnightly", "09:00", null, null, "unknown_every", "is not a recurrence")]
    [InlineData("每周一", null, null, null, "missing_time", "no time of day")]
    [InlineData("monday", "25:00", null, null, "bad_time", "'25:00' is not a time of day")]
    [InlineData("monday", "9", null, null, "bad_time", "'9' is not a time of day")]
    [InlineData("每周一 09:00", "10:00", null, null, "time_twice", "given twice")]
    [InlineData("week", "09:00", null, null, "missing_weekday", "which weekday")]
    [InlineData("month", "09:00", null, null, "missing_day", "which day of the month")]
    [InlineData("month", "09:00", "32", null, "bad_day", "'32' is not a day of the month")]
    [InlineData("每月0日 09:00", null, null, null, "bad_day", "is not a day of the month")]
    [InlineData("monday", "09:00", "15", null, "on_not_monthly", "only for monthly plans")]
    [InlineData("monday", "09:00", null, "0 9 * * 1", "cron_and_words", "not both")]
    [InlineData(null, null, null, null, "empty", "no recurrence given")]
    [InlineData(null, null, null, "0 9 15 * 1", "cron_both_days", "both a day of the month and a weekday")]
    [InlineData(null, null, null, "0 9 * * 8", "bad_cron", "not a valid cron expression")]
    [InlineData(null, null, null, "0 0 9 ? * XYZ", "bad_cron", "not a valid cron expression")]
    [InlineData(null, null, null, "0 0 25 * * ?", "bad_cron", "not a valid cron expression")]
    [InlineData(null, null, null, "every monday", "bad_cron", "2 fields")]
    public void Mistakes_are_one_error_with_what_and_how_to_fix(string? every, string? at, string? on, string? cron, string code, string message)
    {
        var result = PlanRecurrence.Parse(new PlanInput(every, at, on, cron));
        Assert.False(result.IsValid, result.Cron);
        Assert.Null(result.Cron);
        Assert.Equal(code, result.Error!.Code);
        Assert.Contains(message, result.Error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Hint));
        Assert.DoesNotContain("Exception", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_weekday_lists_the_weekdays_there_are()
    {
        var error = PlanRecurrence.Parse(new PlanInput("每周八 09:00")).Error!;
        Assert.Contains("一 二 三 四 五 六 日", error.Hint, StringComparison.Ordinal);
        Assert.Contains("monday", error.Hint, StringComparison.Ordinal);
        Assert.Equal(["每周八", "八"], error.Args);
    }

    [Fact]
    public void Next_firings_are_in_the_plan_zone()
    {
        // Thursday 2026-12-03 12:00 in Shanghai: next Monday and Thursday mornings, 09:00 local = 01:00 UTC.
        var now = new DateTimeOffset(2026, 12, 3, 4, 0, 0, TimeSpan.Zero);
        var next = PlanRecurrence.NextFirings("0 0 9 ? * MON,THU", Shanghai, now, 3);
        Assert.Equal(
            [new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 10, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 14, 1, 0, 0, TimeSpan.Zero)],
            next);
        Assert.Equal("2026-12-07 周一 09:00", PlanRecurrence.ShowFiring(next[0], Shanghai, english: false));
        Assert.Equal("2026-12-10 Thu 09:00", PlanRecurrence.ShowFiring(next[1], Shanghai, english: true));
        // The last day of each month, including February.
        var monthEnds = PlanRecurrence.NextFirings("0 0 9 L * ?", Shanghai, new DateTimeOffset(2027, 1, 31, 2, 0, 0, TimeSpan.Zero), 2);
        Assert.Equal(["2027-02-28 周日 09:00", "2027-03-31 周三 09:00"], monthEnds.Select(t => PlanRecurrence.ShowFiring(t, Shanghai, false)));
    }
}
