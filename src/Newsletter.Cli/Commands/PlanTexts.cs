using System.Globalization;
using Newsletter.Core.Scheduling;

namespace Newsletter.Cli.Commands;

/// <summary>
/// The user-facing texts of the recurring-plan commands (<c>schedule plan add|list|show</c>), read from the shared
/// resources (<c>cli.plan.*</c> in Core/Localization). Plans are shown in words in the CLI's language
/// (<see cref="Texts.IsEnglish"/>, <c>--lang</c> / <c>NEWSLETTER_LANG</c>): 每周一 09:00 by default, every Monday at 09:00 in English.
/// </summary>
internal static class PlanTexts
{
    // Resource keys of the help texts ([Text] attributes need constants).
    public const string EveryDescription = "cli.plan.every";
    public const string AtDescription = "cli.plan.at";
    public const string OnDescription = "cli.plan.on";
    public const string CronDescription = "cli.plan.cron";
    public const string IdDescription = "cli.plan.id";

    public static string AddDescription => Texts.Get("cli.plan.add.description");
    public static string ListDescription => Texts.Get("cli.plan.list.description");
    public static string ShowDescription => Texts.Get("cli.plan.show.description");

    public static string NothingScheduled => Texts.Get("cli.plan.nothing_scheduled");
    public static string NoWhen => Texts.Get("cli.plan.no_when");
    public static string NoWhenHint => Texts.Get("cli.plan.no_when_hint");
    public static string NoPlanHint => Texts.Get("cli.plan.no_plan_hint");
    public static string NoPlans => Texts.Get("cli.plan.no_plans");
    public static string NeverAgain => Texts.Get("cli.plan.never_again");

    public static string ColumnPlan => Texts.Get("cli.plan.column.plan");
    public static string ColumnWhen => Texts.Get("cli.plan.column.when");
    public static string ColumnCron => Texts.Get("cli.plan.column.cron");
    public static string ColumnSegments => Texts.Get("cli.plan.column.segments");

    public static string FieldWhen => Texts.Get("cli.plan.field.when");
    public static string FieldCron => Texts.Get("cli.plan.field.cron");
    public static string FieldZone => Texts.Get("cli.plan.field.zone");
    public static string FieldSegments => Texts.Get("cli.plan.field.segments");
    public static string FieldOnlyTo => Texts.Get("cli.plan.field.only_to");
    public static string FieldCreated => Texts.Get("cli.plan.field.created");
    public static string FieldNext => Texts.Get("cli.plan.field.next");

    public static string NoPlan(long id) => Texts.Format("cli.plan.no_plan", id);

    public static string Added(long id, string words) => Texts.Format("cli.plan.added", id, words);

    /// <summary>"next (Asia/Shanghai):" — the header of the next firings.</summary>
    public static string Next(TimeZoneInfo zone) => Texts.Format("cli.plan.next", zone.Id);

    public static string NextOf(long id, string words, TimeZoneInfo zone) => Texts.Format("cli.plan.next_of", id, words, zone.Id);

    public static string OnlyTo(long id, string tags) => Texts.Format("cli.plan.only_to", id, tags);

    /// <summary>A field label padded to one column; a CJK character takes two terminal cells.</summary>
    public static string Field(string name)
    {
        var label = name + (Texts.IsEnglish ? ":" : "：");
        var width = label.Sum(c => c >= '\u2E80' ? 2 : 1);
        return label + new string(' ', Math.Max(1, 12 - width));
    }

    /// <summary>The plan in words in the CLI's language, or its cron when it is not one of the shapes words make.</summary>
    public static string Words(SchedulePlan plan) => PlanRecurrence.Words(plan.Cron, Texts.IsEnglish);

    /// <summary>"2026-12-07 周一 09:00" ("2026-12-07 Mon 09:00" in English), local time in <paramref name="zone"/>.</summary>
    public static string Firing(DateTimeOffset at, TimeZoneInfo zone) => PlanRecurrence.ShowFiring(at, zone, Texts.IsEnglish);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
