using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace Newsletter.Core.Bounces;

/// <summary>
/// Reads the return mailbox over POP3 (MailKit), for mail servers that offer no IMAP. POP3 has no folders, so a processed
/// message cannot be moved: each is marked for deletion only after its outcome is committed, and POP3 deletes marked
/// messages only when the session ends with QUIT. A pass that stops midway (crash, lost connection) deletes nothing; the
/// next pass reads everything again, and the processor's report keys keep that idempotent.
/// <see cref="BounceOptions.Folder"/> and <see cref="BounceOptions.ProcessedFolder"/> do not apply.
/// </summary>
public sealed class Pop3BounceMailbox(BounceOptions options, BounceProcessor processor, ILogger<Pop3BounceMailbox> logger) : IBounceMailbox
{
    private readonly BounceOptions _options = options.Clamped();

    /// <exception cref="BounceMailboxException">The mailbox could not be reached or logged in to.</exception>
    public async Task<MailboxPass> RunOnceAsync(CancellationToken ct = default)
    {
        if (!_options.MailboxEnabled)
        {
            throw new BounceMailboxException(Localization.Texts.Get("core.bounces.no_host"));
        }
        using var client = new Pop3Client();
        client.CheckCertificateRevocation = true;
        var where = $"{_options.Host}:{_options.Port}";
        int count;
        try
        {
            await client.ConnectAsync(_options.Host!, _options.Port, MailboxTally.ToMailKit(_options.Security), ct);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", ct);
            }
            count = await client.GetMessageCountAsync(ct);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SslHandshakeException or AuthenticationException
                                      or Pop3ProtocolException or Pop3CommandException)
        {
            throw new BounceMailboxException(Localization.Texts.Format("core.bounces.unreadable", where + " (POP3)", e.Message), e);
        }

        var tally = new MailboxTally();
        for (var index = 0; index < Math.Min(count, ImapBounceMailbox.MaxPerPass); index++)
        {
            ct.ThrowIfCancellationRequested();
            byte[] raw;
            if (await client.GetMessageSizeAsync(index, ct) > BounceParser.MaxMessageBytes)
            {
                raw = MailboxTally.TooLarge;
            }
            else
            {
                using var stream = await client.GetStreamAsync(index, headersOnly: false, ct);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                raw = buffer.ToArray();
            }
            tally.Add(await processor.ProcessAsync(raw, ct));
            // Marked only now, with the outcome committed; the server deletes it at QUIT below, never earlier.
            await client.DeleteMessageAsync(index, ct);
        }
        await client.DisconnectAsync(true, ct);
        var pass = tally.ToPass();
        logger.LogInformation("return mailbox {Where} (POP3): {Read} read, {Bounces} bounces, {Complaints} complaints, {Unmatched} unmatched, {Changes} subscribers changed",
            where, pass.Read, pass.Bounces, pass.Complaints, pass.Unmatched, pass.Changes.Count);
        return pass;
    }
}
