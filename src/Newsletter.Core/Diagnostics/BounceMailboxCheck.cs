using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Diagnostics;

/// <summary>
/// Issue 17: returned mail is read (checks <c>verp</c> and <c>bounces</c>). For a real send (SMTP transport) it warns when there is no VERP return path
/// (<c>Sender:VerpReturnPath</c>: reports are then matched by Message-ID or address only) and when no return mailbox is
/// read (<c>Bounces:Host</c>: dead addresses stay on the lists); when a mailbox is configured it logs in for real with
/// the <c>Bounces</c> settings (TLS, credentials, folder), within a short timeout. A mailbox that cannot be read is a
/// warning, not an error: mail still goes out, only the lists stop cleaning themselves. The password is never printed.
/// </summary>
public sealed class BounceMailboxCheck(DeliveryOptions delivery, SenderOptions sender, BounceOptions bounces) : IDoctorCheck
{
    /// <summary>
    /// The longest the check waits for the mailbox server: longer than the relay check's, because servers delay a
    /// refused login on purpose (Dovecot 2 s, doubling per failure) and MailKit tries each offered mechanism.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Name = "bounces";

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        var findings = new List<DoctorFinding>();
        var options = bounces.Clamped();
        if (delivery.Transport == TransportKind.Smtp && string.IsNullOrWhiteSpace(sender.VerpReturnPath))
        {
            var domain = SenderDomain.Of(sender.From) ?? "example.org";
            findings.Add(new("verp", DoctorLevel.Warning, Localization.Texts.Get("core.doctor.verp_missing"),
                Localization.Texts.Format("core.doctor.verp_missing_hint", domain)));
        }
        if (!options.MailboxEnabled)
        {
            if (delivery.Transport == TransportKind.Smtp)
            {
                findings.Add(new(Name, DoctorLevel.Warning, Localization.Texts.Get("core.doctor.bounces_missing"),
                    Localization.Texts.Get("core.doctor.bounces_missing_hint")));
            }
            return findings;
        }
        findings.Add(await LogInAsync(options, ct));
        return findings;
    }

    private static async Task<DoctorFinding> LogInAsync(BounceOptions options, CancellationToken ct)
    {
        var protocol = options.Protocol == BounceProtocol.Pop3 ? "POP3" : "IMAP";
        var where = $"{protocol} {options.Host}:{options.Port}";
        var fix = Localization.Texts.Get("core.doctor.mailbox_hint");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        try
        {
            string detail;
            if (options.Protocol == BounceProtocol.Pop3)
            {
                using var client = new Pop3Client { Timeout = (int)Timeout.TotalMilliseconds, CheckCertificateRevocation = true };
                await client.ConnectAsync(options.Host!, options.Port, security, timeout.Token);
                if (!string.IsNullOrEmpty(options.UserName)) await client.AuthenticateAsync(options.UserName, options.Password ?? "", timeout.Token);
                detail = Localization.Texts.Format("core.doctor.mailbox_waiting", await client.GetMessageCountAsync(timeout.Token));
                await client.DisconnectAsync(true, timeout.Token);
            }
            else
            {
                using var client = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds, CheckCertificateRevocation = true };
                await client.ConnectAsync(options.Host!, options.Port, security, timeout.Token);
                if (!string.IsNullOrEmpty(options.UserName)) await client.AuthenticateAsync(options.UserName, options.Password ?? "", timeout.Token);
                var folder = options.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(options.Folder, timeout.Token);
                await folder.StatusAsync(StatusItems.Count, timeout.Token);
                detail = Localization.Texts.Format("core.doctor.mailbox_waiting_in", folder.Count, folder.FullName);
                await client.DisconnectAsync(true, timeout.Token);
            }
            return new(Name, DoctorLevel.Ok, string.IsNullOrEmpty(options.UserName)
                ? Localization.Texts.Format("core.doctor.mailbox_ok", where, detail)
                : Localization.Texts.Format("core.doctor.mailbox_ok_as", where, options.UserName, detail));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(Name, DoctorLevel.Warning, Localization.Texts.Format("core.doctor.mailbox_timeout", where, Timeout.TotalSeconds), fix);
        }
        catch (Exception e) when (e is IOException or SocketException or SslHandshakeException or AuthenticationException or ImapProtocolException
                                      or ImapCommandException or Pop3ProtocolException or Pop3CommandException or FolderNotFoundException
                                      or ServiceNotConnectedException or TimeoutException)
        {
            // MailKit's messages name the server's reply, never the credentials sent.
            return new(Name, DoctorLevel.Warning, Localization.Texts.Format("core.doctor.mailbox_unreadable", where, e.Message), fix);
        }
    }
}
