using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Issues;

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

    /// <summary>
    /// On a real send, previews what <paramref name="settings"/> would send to <paramref name="segments"/> and
    /// <paramref name="tags"/> and confirms it (<see cref="Confirm"/>); null when mail goes to the pickup folder, which
    /// asks nothing. Nothing is created before it returns.
    /// </summary>
    /// <param name="verb">"send" or "schedule", for the question.</param>
    public static async Task<ConfirmedSend?> ConfirmIfRealAsync(SendPreviewer previewer, IssueSendSettings settings,
        IReadOnlyList<string> segments, AudienceTags tags, IssueOverrides overrides, string verb, CancellationToken ct)
    {
        if (!previewer.IsRealSend)
        {
            return null;
        }
        var preview = await previewer.PreviewAsync(settings.Issue, segments, tags, overrides, ct);
        return new ConfirmedSend(preview, Confirm(preview, settings.Issue, verb, settings.Yes, settings.Force));
    }

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
            Console.Out.WriteLine(Texts.Format("cli.send_confirmation_prompt.confirmed_by_yes", Verb(verb), preview.Total));
            return who + " (--yes)";
        }
        if (!IsInteractive)
        {
            throw new UserErrorException(Texts.Format("cli.send_confirmation_prompt.a_real_send_needs", Past(verb)),
                Texts.Format("cli.send_confirmation_prompt.run_it_on_a", preview.Total));
        }
        Console.Out.Write(Texts.Format("cli.send_confirmation_prompt.question", Verb(verb), preview.Total));
        Console.Out.Flush();
        var answer = Console.In.ReadLine()?.Trim();
        if (answer is not null && (answer.Equals("yes", StringComparison.OrdinalIgnoreCase) || answer == "是"))
        {
            return who;
        }
        throw new UserErrorException(Texts.Format("cli.send_confirmation_prompt.not_confirmed_answer_nothing", answer, Past(verb)), Texts.Get("cli.send_confirmation_prompt.answer_yes_or_to"));
    }

    private static string Past(string verb) => Texts.Get(verb == "schedule" ? "cli.send_confirmation_prompt.past_scheduled" : "cli.send_confirmation_prompt.past_sent");

    private static string Verb(string verb) => Texts.Get(verb == "schedule" ? "cli.send_confirmation_prompt.verb_schedule" : "cli.send_confirmation_prompt.verb_send");

    private static void Print(SendPreview preview, string issuePath)
    {
        var o = Console.Out;
        var meta = preview.Issue.Metadata;
        o.WriteLine(Texts.Get("cli.send_confirmation_prompt.about_to_make_a"));
        o.WriteLine(Texts.Format("cli.send_confirmation_prompt.issue", meta.Title, meta.Number ?? Texts.Get("cli.send_confirmation_prompt.none"), (meta.Date is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : Texts.Get("cli.send_confirmation_prompt.no_date")), (meta.IsSample ? Texts.Get("cli.send_confirmation_prompt.sample") : "")));
        o.WriteLine(Texts.Format("cli.send_confirmation_prompt.subject", preview.Issue.Subject));
        o.WriteLine(Texts.Format("cli.send_confirmation_prompt.file_version", issuePath, preview.Version));
        o.WriteLine(Texts.Format("cli.send_confirmation_prompt.to_recipients_in_all", string.Join(", ", preview.Recipients.Select(r => $"{r.Segment} {r.Recipients}")), (preview.Tags.IsEmpty ? "" : $" ({preview.Tags.Describe()})"), preview.Total));
        var delivered = preview.Tests.Where(t => t.Delivered).ToList();
        if (delivered.Count > 0)
        {
            var last = delivered[0];
            o.WriteLine(Texts.Format("cli.send_confirmation_prompt.test_this_exact_version", LocalTime.Show(last.SentAt), string.Join(", ", delivered.Select(t => t.Recipient).Distinct().Take(5))));
        }
        else
        {
            o.WriteLine(Texts.Format("cli.send_confirmation_prompt.test_no_test_of", issuePath));
        }
        foreach (var warning in preview.Warnings)
        {
            o.WriteLine(Texts.Format("cli.send_confirmation_prompt.warning", warning));
        }
        if (preview.Existing is { } existing)
        {
            o.WriteLine(Texts.Format("cli.send_confirmation_prompt.campaign_exists_for_this", existing.Id, Say.State(existing.State)));
        }
        o.WriteLine(Texts.Format("cli.send_confirmation_prompt.check", preview.Doctor.Summary()));
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
            Say.Line("cli.send_confirmation_prompt.warning_2", warning);
        }
    }
}

/// <summary>A real send the operator confirmed: the preview shown and who confirmed it, for the campaign's record.</summary>
internal sealed record ConfirmedSend(SendPreview Preview, string ConfirmedBy)
{
    /// <summary>Records the confirmation with the campaign it let be created.</summary>
    public Task RecordAsync(SendPreviewer previewer, long campaignId, bool force, CancellationToken ct) =>
        previewer.RecordAsync(campaignId, Preview, ConfirmedBy, force, ct);
}
