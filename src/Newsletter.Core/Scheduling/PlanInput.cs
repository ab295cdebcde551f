using Newsletter.Core.Localization;

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
/// (what is wrong, how to fix it) the CLI prints in English (in Chinese it prints the web's sentence).
/// </summary>
public sealed record PlanRecurrenceError(string Code, string Message, string Hint, IReadOnlyList<string> Args)
{
    /// <summary>The refusal in the current UI language, what and how in one sentence (<c>plan.error.&lt;code&gt;</c>); the English pair when no such key exists.</summary>
    public string Localized()
    {
        var key = "plan.error." + Code;
        var text = Texts.Format(key, [.. Args]);
        return text == key ? $"{Message} — {Hint}" : text;
    }
}

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
