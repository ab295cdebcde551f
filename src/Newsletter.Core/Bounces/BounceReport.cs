namespace Newsletter.Core.Bounces;

/// <summary>What a returned message is.</summary>
public enum ReportKind
{
    /// <summary>A delivery failure notice (DSN or an MTA's own format): the recipients failed.</summary>
    Bounce,

    /// <summary>An abuse report (RFC 5965 ARF): the recipient complained.</summary>
    Complaint,

    /// <summary>An auto-reply or vacation notice (RFC 3834): never a bounce, changes nothing.</summary>
    AutoReply,

    /// <summary>Anything else: a delivery-success notice, ordinary mail, or an unreadable message (see the reason).</summary>
    Other,
}

/// <summary>Whether a failure means the address itself is bad.</summary>
public enum BounceClass
{
    /// <summary>The address is bad (unknown user or domain, moved, does not accept mail): stop at once.</summary>
    Hard,

    /// <summary>Everything else (mailbox full, policy, spam filter, expired, temporary): stop after repeats.</summary>
    Soft,
}

/// <summary>One recipient a report is about.</summary>
/// <param name="Address">The failed (or complaining, or auto-replying) address, lower-case.</param>
/// <param name="Status">The enhanced status code (RFC 3463), e.g. <c>5.1.1</c>; empty when the report gives none.</param>
/// <param name="SmtpCode">The SMTP reply code, e.g. 550; null when the report gives none.</param>
/// <param name="Class">Hard or soft (complaints and auto-replies are soft, as sisimai classes them).</param>
/// <param name="Reason">One word: <c>userunknown</c>, <c>hostunknown</c>, <c>mailboxfull</c>, <c>blocked</c>, <c>abuse</c> …</param>
/// <param name="Diagnostic">The remote server's words, trimmed to a few hundred characters; empty when none.</param>
public sealed record ReportRecipient(string Address, string Status, int? SmtpCode, BounceClass Class, string Reason, string Diagnostic);

/// <summary>What <see cref="BounceParser"/> read from one returned message.</summary>
public sealed record BounceReport
{
    public required ReportKind Kind { get; init; }

    /// <summary>The recipients the report is about (none for <see cref="ReportKind.Other"/>).</summary>
    public IReadOnlyList<ReportRecipient> Recipients { get; init; } = [];

    /// <summary>Why the message is <see cref="ReportKind.Other"/> (or a note on how it was read); empty otherwise.</summary>
    public string Note { get; init; } = "";

    /// <summary>The report's own Message-ID (without angle brackets); empty when it has none.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The Message-ID of the message that was returned, when the report quotes it.</summary>
    public string OriginalMessageId { get; init; } = "";

    /// <summary>The <c>X-Newsletter-Campaign</c> header of the returned message, when quoted.</summary>
    public string OriginalCampaign { get; init; } = "";

    /// <summary>
    /// The addresses the report was delivered to (envelope recipient: Delivered-To, X-Original-To, then To) — where
    /// a VERP return path or an unsubscribe token shows up. Case kept.
    /// </summary>
    public IReadOnlyList<string> DeliveredTo { get; init; } = [];

    /// <summary>The report's Subject (for display).</summary>
    public string Subject { get; init; } = "";

    /// <summary>The report's From address, lower-case; empty when none.</summary>
    public string From { get; init; } = "";

    public static BounceReport OtherBecause(string note) => new() { Kind = ReportKind.Other, Note = note };
}

/// <summary>The lowercase words used in JSON, storage and the CLI.</summary>
public static class BounceWords
{
    public static string ToWord(this ReportKind kind) => kind switch
    {
        ReportKind.Bounce => "bounce",
        ReportKind.Complaint => "complaint",
        ReportKind.AutoReply => "autoreply",
        _ => "other",
    };

    public static string ToWord(this BounceClass c) => c == BounceClass.Hard ? "hard" : "soft";

    public static bool TryParseClass(string? text, out BounceClass c)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "hard": c = BounceClass.Hard; return true;
            case "soft": c = BounceClass.Soft; return true;
            default: c = default; return false;
        }
    }

    public static ReportKind ParseKind(string word) => word switch
    {
        "bounce" => ReportKind.Bounce,
        "complaint" => ReportKind.Complaint,
        "autoreply" => ReportKind.AutoReply,
        _ => ReportKind.Other,
    };
}
