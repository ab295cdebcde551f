using System.Globalization;
using Newsletter.Core.Scheduling;

namespace Newsletter.Cli.Commands;

/// <summary>
/// The user-facing texts of the recurring-plan commands (<c>schedule plan add|list|show</c>) in one place, so they can
/// move into the shared resources as they are. Plans are shown in Chinese words (每周一 09:00), as the editors write them.
/// </summary>
internal static class PlanTexts
{
    /// <summary>Whether plans are shown in English words; Chinese (每周一 09:00) is the product's language.</summary>
    public const bool EnglishWords = false;

    public const string EveryDescription =
        "When, in words: day (daily), a weekday (monday, mon,thu, mon-fri, weekdays), month (with --on), or Chinese 每天, 每周一、四, 每月15日, 工作日 — the Chinese phrase may carry its time: \"每周一 09:00\".";

    public const string AtDescription = "The time of day of --every, 24-hour: 09:00 (also 9:00, 9点半, 下午3点).";

    public const string OnDescription = "The day of the month of --every month: 1–31 or last.";

    public const string CronDescription =
        "Instead of words: a 5-field Unix cron (\"0 9 * * 1\" is every Monday 09:00) or Quartz, seconds first (\"0 0 9 ? * MON\").";

    public const string AddDescription = "Add a recurring plan: in words (--every monday --at 09:00, --every 每周一 --at 09:00) or cron (Unix or Quartz).";

    public const string ListDescription = "List recurring plans in words with their next three firings in local time.";

    public const string ShowDescription = "Show one recurring plan: in words, its cron, segments and next three firings in local time.";

    public const string IdDescription = "The plan id (see `newsletter schedule plan list`).";

    public const string NothingScheduled = "nothing was scheduled";

    public const string NoWhen = "plan add needs a time: words (--every) or a cron (--cron); nothing was scheduled";

    public const string NoWhenHint = "add --every monday --at 09:00, --every \"每周一 09:00\" or --cron \"0 9 * * 1\"";

    public const string NoPlanHint = "see `newsletter schedule plan list`";

    public const string NoPlans = "no recurring plan";

    public const string ColumnPlan = "plan";
    public const string ColumnWhen = "when";
    public const string ColumnCron = "cron";
    public const string ColumnSegments = "segments";

    public static string NoPlan(long id) => $"there is no plan {id}";

    public static string Added(long id, string words) => $"plan {id} added: {words}";

    /// <summary>"next (Asia/Shanghai):" — the header of the next firings.</summary>
    public static string Next(TimeZoneInfo zone) => $"next ({zone.Id}):";

    public static string NextOf(long id, string words, TimeZoneInfo zone) => $"plan {id} ({words}) next, {zone.Id}:";

    public const string NeverAgain = "never again";

    public static string OnlyTo(long id, string tags) => $"* plan {id} only to {tags}";

    public static string Field(string name) => (name + ":").PadRight(11);

    public const string FieldWhen = "when";
    public const string FieldCron = "cron";
    public const string FieldZone = "zone";
    public const string FieldSegments = "segments";
    public const string FieldOnlyTo = "only to";
    public const string FieldCreated = "created";
    public const string FieldNext = "next";

    /// <summary>The plan in words, or its cron when it is not one of the shapes words make.</summary>
    public static string Words(SchedulePlan plan) => PlanRecurrence.Words(plan.Cron, EnglishWords);

    /// <summary>"2026-12-07 周一 09:00", local time in <paramref name="zone"/>.</summary>
    public static string Firing(DateTimeOffset at, TimeZoneInfo zone) => PlanRecurrence.ShowFiring(at, zone, EnglishWords);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
