namespace Newsletter.Core.Bounces;

/// <summary>How the return mailbox is read.</summary>
public enum BounceProtocol
{
    /// <summary>IMAP: processed messages are moved to <see cref="BounceOptions.ProcessedFolder"/>.</summary>
    Imap,

    /// <summary>POP3: processed messages are deleted (at the end of the session, after their outcome is committed).</summary>
    Pop3,
}

/// <summary>
/// Settings section <c>Bounces</c>: the return mailbox and the policy. The mailbox is read only when <see cref="Host"/>
/// is set (default: not read); the policy applies to every report processed.
/// </summary>
public sealed record BounceOptions
{
    /// <summary><c>Imap</c> (the default) or <c>Pop3</c>.</summary>
    public BounceProtocol Protocol { get; init; } = BounceProtocol.Imap;

    /// <summary>IMAP or POP3 server of the return mailbox; empty (the default) turns mailbox reading off.</summary>
    public string? Host { get; init; }

    /// <summary>Port; default (0) the protocol's implicit-TLS port: 993 for IMAP, 995 for POP3.</summary>
    public int Port { get; init; }

    /// <summary><c>Auto</c> (TLS on 993, STARTTLS when offered otherwise), <c>SslOnConnect</c>, <c>StartTls</c> or <c>None</c>; certificates are always validated.</summary>
    public Delivery.SmtpSecurity Security { get; init; } = Delivery.SmtpSecurity.Auto;

    public string? UserName { get; init; }

    /// <summary>Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>The folder returned mail arrives in; default <c>INBOX</c> (IMAP only).</summary>
    public string Folder { get; init; } = "INBOX";

    /// <summary>Where a message is moved once its outcome is committed; default <c>Processed</c> (created when missing; IMAP only).</summary>
    public string ProcessedFolder { get; init; } = "Processed";

    /// <summary>How often <c>serve</c> reads the mailbox; default 5 minutes (clamped to 10 s … 1 day).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Soft bounces within <see cref="SoftWindow"/> that mark a subscriber bounced; default 3 (at least 1).</summary>
    public int SoftLimit { get; init; } = 3;

    /// <summary>The window soft bounces are counted in; default 30 days.</summary>
    public TimeSpan SoftWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long the raw report is kept beside each stored bounce; default 90 days.</summary>
    public TimeSpan KeepRawFor { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Whether the mailbox is read.</summary>
    public bool MailboxEnabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The same settings with out-of-range values clamped.</summary>
    public BounceOptions Clamped() => this with
    {
        Port = Port is > 0 and < 65536 ? Port : Protocol == BounceProtocol.Pop3 ? 995 : 993,
        PollInterval = PollInterval < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : PollInterval > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : PollInterval,
        SoftLimit = Math.Max(1, SoftLimit),
        SoftWindow = SoftWindow <= TimeSpan.Zero ? TimeSpan.FromDays(30) : SoftWindow,
        KeepRawFor = KeepRawFor < TimeSpan.Zero ? TimeSpan.Zero : KeepRawFor,
    };
}
