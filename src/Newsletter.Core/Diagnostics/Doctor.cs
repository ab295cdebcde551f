namespace Newsletter.Core.Diagnostics;

/// <summary>How a configuration check came out.</summary>
public enum DoctorLevel
{
    /// <summary>Fine for a real send.</summary>
    Ok,

    /// <summary>Works, but short of what production mail needs; the fix says what to do.</summary>
    Warning,

    /// <summary>A real send would go wrong (broken links, rejected or spam-foldered mail); needs <c>--force</c> to send anyway.</summary>
    Error,
}

/// <summary>One line of the configuration check.</summary>
/// <param name="Check">Short name of the check, e.g. <c>public-url</c>.</param>
/// <param name="Level">Ok, warning or error.</param>
/// <param name="Message">What was found, naming the setting.</param>
/// <param name="Fix">How to fix it; null when nothing is to be done.</param>
public sealed record DoctorFinding(string Check, DoctorLevel Level, string Message, string? Fix = null);

/// <summary>The findings of every check, in order.</summary>
public sealed record DoctorReport(IReadOnlyList<DoctorFinding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Level == DoctorLevel.Error);

    public IEnumerable<DoctorFinding> Errors => Findings.Where(f => f.Level == DoctorLevel.Error);

    public int Count(DoctorLevel level) => Findings.Count(f => f.Level == level);

    /// <summary>"2 errors, 1 warning" or "all ok".</summary>
    public string Summary()
    {
        var errors = Count(DoctorLevel.Error);
        var warnings = Count(DoctorLevel.Warning);
        if (errors == 0 && warnings == 0)
        {
            return Localization.Texts.Get("core.doctor.all_ok");
        }
        return string.Join(Localization.Texts.Get("core.separator.comma"), new[]
        {
            errors > 0 ? Localization.Texts.Format(errors == 1 ? "core.doctor.error_count_one" : "core.doctor.error_count", errors) : null,
            warnings > 0 ? Localization.Texts.Format(warnings == 1 ? "core.doctor.warning_count_one" : "core.doctor.warning_count", warnings) : null,
        }.OfType<string>());
    }
}

/// <summary>
/// One check of the sending configuration. Checks are registered in the container (<c>AddSingleton&lt;IDoctorCheck, …&gt;</c>)
/// and run in registration order; adding one is adding a class (e.g. the bounce mailbox once <c>Bounces:*</c> exists).
/// </summary>
public interface IDoctorCheck
{
    /// <summary>The findings of this check; a check that does not apply returns none. Must not throw for a bad setting.</summary>
    Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct);
}

/// <summary><c>newsletter doctor</c>, the web dashboard and the send confirmation: runs every registered check.</summary>
public sealed class ConfigurationDoctor(IEnumerable<IDoctorCheck> checks)
{
    public async Task<DoctorReport> RunAsync(CancellationToken ct = default)
    {
        var findings = new List<DoctorFinding>();
        foreach (var check in checks)
        {
            findings.AddRange(await check.RunAsync(ct));
        }
        return new DoctorReport(findings);
    }
}
