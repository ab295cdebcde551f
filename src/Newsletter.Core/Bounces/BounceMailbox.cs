using MailKit.Security;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Bounces;

/// <summary>What one pass over the return mailbox did.</summary>
public sealed record MailboxPass(int Read, int Bounces, int Complaints, int Unsubscribes, int Ignored, int Unmatched, IReadOnlyList<string> Changes);

/// <summary>A return mailbox could not be read (connection, login, folder); the message says which setting to check.</summary>
public sealed class BounceMailboxException(string message, Exception? inner = null) : UserFacingException(message, null, inner);

/// <summary>
/// The return mailbox, read over <see cref="BounceOptions.Protocol"/>: one pass processes every waiting message and
/// removes it from the mailbox only once its outcome is committed, so a pass that stops midway is simply run again.
/// </summary>
public interface IBounceMailbox
{
    /// <exception cref="BounceMailboxException">The mailbox could not be reached, logged in to or opened.</exception>
    Task<MailboxPass> RunOnceAsync(CancellationToken ct = default);
}

/// <summary>Adds up what a pass did, message by message (shared by the IMAP and POP3 readers).</summary>
internal sealed class MailboxTally
{
    private int _read, _bounces, _complaints, _unsubscribes, _ignored, _unmatched;
    private readonly List<string> _changes = [];

    /// <summary>Stands in for a message above <see cref="BounceParser.MaxMessageBytes"/>, which is never downloaded.</summary>
    public static byte[] TooLarge { get; } = System.Text.Encoding.ASCII.GetBytes("Subject: (too large to read)\r\n\r\n");

    public void Add(ProcessOutcome outcome)
    {
        _read++;
        _unmatched += outcome.Unmatched;
        _changes.AddRange(outcome.Changes);
        switch (outcome.Report.Kind)
        {
            case ReportKind.Bounce: _bounces++; break;
            case ReportKind.Complaint: _complaints++; break;
            default:
                if (outcome.Changes.Any(c => c.EndsWith("unsubscribed", StringComparison.Ordinal)) || outcome.Stored > 0) _unsubscribes++;
                else _ignored++;
                break;
        }
    }

    public MailboxPass ToPass() => new(_read, _bounces, _complaints, _unsubscribes, _ignored, _unmatched, _changes);

    public static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
