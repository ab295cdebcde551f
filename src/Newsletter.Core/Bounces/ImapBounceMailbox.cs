using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Delivery;
using Newsletter.Core;

namespace Newsletter.Core.Bounces;

/// <summary>What one pass over the return mailbox did.</summary>
public sealed record MailboxPass(int Read, int Bounces, int Complaints, int Unsubscribes, int Ignored, int Unmatched, IReadOnlyList<string> Changes);

/// <summary>A return mailbox could not be read (connection, login, folder); the message says which setting to check.</summary>
public sealed class BounceMailboxException(string message, Exception? inner = null) : UserFacingException(message, null, inner);

/// <summary>
/// Reads the return mailbox over IMAP (MailKit): every message in <see cref="BounceOptions.Folder"/> is processed and
/// only then — its outcome committed — moved to <see cref="BounceOptions.ProcessedFolder"/>. A pass that stops midway
/// leaves the rest in place; the next pass reads them again, and the processor's report keys keep that idempotent.
/// </summary>
public sealed class ImapBounceMailbox(BounceOptions options, BounceProcessor processor, ILogger<ImapBounceMailbox> logger)
{
    /// <summary>At most this many messages per pass (the next pass takes the rest).</summary>
    public const int MaxPerPass = 1000;

    private readonly BounceOptions _options = options.Clamped();

    /// <exception cref="BounceMailboxException">The mailbox could not be reached, logged in to or opened.</exception>
    public async Task<MailboxPass> RunOnceAsync(CancellationToken ct = default)
    {
        if (!_options.MailboxEnabled)
        {
            throw new BounceMailboxException("Bounces:Host is not set: no return mailbox to read");
        }
        using var client = new ImapClient();
        client.CheckCertificateRevocation = true;
        var where = $"{_options.Host}:{_options.Port}";
        try
        {
            await client.ConnectAsync(_options.Host!, _options.Port, ToMailKit(_options.Security), ct);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", ct);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SslHandshakeException or AuthenticationException
                                      or ImapProtocolException or ImapCommandException)
        {
            throw new BounceMailboxException($"cannot read the return mailbox at {where}: {e.Message}", e);
        }

        IMailFolder inbox, processed;
        try
        {
            inbox = _options.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(_options.Folder, ct);
            processed = await ProcessedFolderAsync(client, ct);
            await inbox.OpenAsync(FolderAccess.ReadWrite, ct);
        }
        catch (Exception e) when (e is FolderNotFoundException or ImapCommandException)
        {
            throw new BounceMailboxException($"cannot open folder '{_options.Folder}' or '{_options.ProcessedFolder}' at {where}: {e.Message}", e);
        }

        int read = 0, bounces = 0, complaints = 0, unsubscribes = 0, ignored = 0, unmatched = 0;
        var changes = new List<string>();
        var uids = await inbox.SearchAsync(SearchQuery.NotDeleted, ct);
        foreach (var uid in uids.Take(MaxPerPass))
        {
            ct.ThrowIfCancellationRequested();
            var size = (await inbox.FetchAsync([uid], MessageSummaryItems.Size, ct)).FirstOrDefault()?.Size ?? 0;
            byte[] raw;
            if (size > BounceParser.MaxMessageBytes)
            {
                raw = System.Text.Encoding.ASCII.GetBytes("Subject: (too large to read)\r\n\r\n");
            }
            else
            {
                using var stream = await inbox.GetStreamAsync(uid, "", ct);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                raw = buffer.ToArray();
            }
            var outcome = await processor.ProcessAsync(raw, ct);
            read++;
            unmatched += outcome.Unmatched;
            changes.AddRange(outcome.Changes);
            switch (outcome.Report.Kind)
            {
                case ReportKind.Bounce: bounces++; break;
                case ReportKind.Complaint: complaints++; break;
                default:
                    if (outcome.Changes.Any(c => c.EndsWith("unsubscribed", StringComparison.Ordinal)) || outcome.Stored > 0) unsubscribes++;
                    else ignored++;
                    break;
            }
            // Moved only now: the outcome is committed, so a crash before this line reprocesses (idempotently).
            await inbox.MoveToAsync(uid, processed, ct);
        }
        await client.DisconnectAsync(true, ct);
        logger.LogInformation("return mailbox {Where}: {Read} read, {Bounces} bounces, {Complaints} complaints, {Unmatched} unmatched, {Changes} subscribers changed",
            where, read, bounces, complaints, unmatched, changes.Count);
        return new MailboxPass(read, bounces, complaints, unsubscribes, ignored, unmatched, changes);
    }

    private async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(_options.ProcessedFolder, ct);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(_options.ProcessedFolder, isMessageFolder: true, ct)
                ?? throw new BounceMailboxException($"cannot create folder '{_options.ProcessedFolder}'");
        }
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
