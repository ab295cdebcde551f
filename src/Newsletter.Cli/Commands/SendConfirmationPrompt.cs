using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Spectre.Console;

namespace Newsletter.Cli.Commands;

/// <summary>
/// The confirmation of a real send (SMTP) in <c>publish</c> and <c>schedule</c>: shows the <see cref="SendPreview"/>,
/// requires <c>--force</c> when the configuration check has errors, then asks for <c>yes</c>/<c>是</c> on a terminal or
/// requires <c>--yes</c> when not interactive. Nothing is created before it returns.
/// </summary>
internal static class SendConfirmationPrompt
{
    /// <summary>
    /// Set to <c>1</c> to treat standard input as a terminal (or <c>0</c> as not one) whatever it is: for tests, which feed
    /// the answer through a pipe. Unset, the CLI asks only when standard input is a terminal.
    /// </summary>
    public const string InteractiveVariable = "NEWSLETTER_INTERACTIVE";

    /// <summary>Whether the operator can be asked.</summary>
    public static bool IsInteractive => Environment.GetEnvironmentVariable(InteractiveVariable) switch
    {
        "1" => true,
        "0" => false,
        _ => !Console.IsInputRedirected,
    };

    /// <summary>Shows <paramref name="preview"/> and confirms it; returns who confirmed, for the campaign's record.</summary>
    /// <param name="verb">"send" or "schedule", for the question.</param>
    /// <exception cref="UserErrorException">Not confirmed (no --yes when not interactive, another answer, doctor errors without --force).</exception>
    public static string Confirm(SendPreview preview, string issuePath, string verb, bool yes, bool force)
    {
        Print(preview, issuePath);
        SendPreviewer.RequireForceIfErrors(preview, force);
        var who = "cli:" + Environment.UserName;
        if (yes)
        {
            Console.Out.WriteLine($"confirmed by --yes: {verb} to {preview.Total} recipients");
            return who + " (--yes)";
        }
        if (!IsInteractive)
        {
            throw new UserErrorException($"a real send needs confirmation and standard input is not a terminal; nothing was {Past(verb)}",
                $"run it on a terminal and answer yes, or pass --yes to confirm the {preview.Total} recipients shown above");
        }
        Console.Out.Write($"{verb} to {preview.Total} recipients? type yes (或 是) to confirm: ");
        Console.Out.Flush();
        var answer = Console.In.ReadLine()?.Trim();
        if (answer is not null && (answer.Equals("yes", StringComparison.OrdinalIgnoreCase) || answer == "是"))
        {
            return who;
        }
        throw new UserErrorException($"not confirmed (answer '{answer}'); nothing was {Past(verb)}", "answer yes or 是 to send");
    }

    private static string Past(string verb) => verb == "schedule" ? "scheduled" : "sent";

    private static void Print(SendPreview preview, string issuePath)
    {
        var o = Console.Out;
        var meta = preview.Issue.Metadata;
        o.WriteLine("about to make a real send (Delivery:Transport=smtp):");
        o.WriteLine($"  issue:    {meta.Title} · 期号 {meta.Number ?? "(none)"} · {(meta.Date is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "(no date)")}{(meta.IsSample ? " · 样刊" : "")}");
        o.WriteLine($"  subject:  {preview.Issue.Subject}");
        o.WriteLine($"  file:     {issuePath} (version {preview.Version})");
        o.WriteLine($"  to:       {string.Join(", ", preview.Recipients.Select(r => $"{r.Segment} {r.Recipients}"))}{(preview.Tags.IsEmpty ? "" : $" ({preview.Tags.Describe()})")} — {preview.Total} recipients in all");
        var delivered = preview.Tests.Where(t => t.Delivered).ToList();
        if (delivered.Count > 0)
        {
            var last = delivered[0];
            o.WriteLine($"  test:     this exact version was test-sent, last {last.SentAt.ToLocalTime():yyyy-MM-dd HH:mm} to {string.Join(", ", delivered.Select(t => t.Recipient).Distinct().Take(5))}");
        }
        else
        {
            o.WriteLine($"  test:     no test of this exact version was sent — `newsletter send-test {issuePath}` first is advised");
        }
        foreach (var warning in preview.Warnings)
        {
            o.WriteLine($"  warning:  {warning}");
        }
        if (preview.Existing is { } existing)
        {
            o.WriteLine($"  campaign: {existing.Id} exists for this issue and audience ({existing.State.ToString().ToLowerInvariant()}): it is continued, nothing is sent twice");
        }
        o.WriteLine($"  check:    {preview.Doctor.Summary()}");
        foreach (var finding in preview.Doctor.Findings.Where(f => f.Level != DoctorLevel.Ok))
        {
            o.WriteLine($"    {Level(finding.Level),-7} {finding.Check}: {finding.Message}{(finding.Fix is { } fix ? " — " + fix : "")}");
        }
    }

    internal static string Level(DoctorLevel level) => level switch
    {
        DoctorLevel.Error => "error",
        DoctorLevel.Warning => "warning",
        _ => "ok",
    };

    /// <summary>Prints the send policy's warnings (an unfinished issue through the pickup folder).</summary>
    public static void PrintWarnings(IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning: {warning}[/]");
        }
    }
}
