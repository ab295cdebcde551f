using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace Newsletter.Core.Bounces;

/// <summary>
/// Reads the return mailbox over IMAP (MailKit): every message in <see cref="BounceOptions.Folder"/> is processed and
/// only then — its outcome committed — moved to <see cref="BounceOptions.ProcessedFolder"/>. A pass that stops midway
/// leaves the rest in place; the next pass reads them again, and the processor's report keys keep that idempotent.
/// </summary>
public sealed class ImapBounceMailbox(BounceOptions options, BounceProcessor processor, ILogger<ImapBounceMailbox> logger) : IBounceMailbox
{
    /// <summary>At most this many messages per pass (the next pass takes the rest).</summary>
    public const int MaxPerPass = 1000;

    private readonly BounceOptions _options = options.Clamped();

    /// <exception cref="BounceMailboxException">The mailbox could not be reached, logged in to or opened.</exception>
    public async Task<MailboxPass> RunOnceAsync(CancellationToken ct = default)
    {
        if (!_options.MailboxEnabled)
        {
            throw new BounceMailboxException(Localization.Texts.Get("core.bounces.no_host"));
        }
        using var client = new ImapClient();
        client.CheckCertificateRevocation = true;
        var where = $"{_options.Host}:{_options.Port}";
        try
        {
            await client.ConnectAsync(_options.Host!, _options.Port, MailboxTally.ToMailKit(_options.Security), ct);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", ct);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SslHandshakeException or AuthenticationException
                                      or ImapProtocolException or ImapCommandException)
        {
            throw new BounceMailboxException(Localization.Texts.Format("core.bounces.unreadable", where, e.Message), e);
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
            throw new BounceMailboxException(Localization.Texts.Format("core.bounces.folder", _options.Folder, _options.ProcessedFolder, where, e.Message), e);
        }

        var tally = new MailboxTally();
        var uids = await inbox.SearchAsync(SearchQuery.NotDeleted, ct);
        foreach (var uid in uids.Take(MaxPerPass))
        {
            ct.ThrowIfCancellationRequested();
            var size = (await inbox.FetchAsync([uid], MessageSummaryItems.Size, ct)).FirstOrDefault()?.Size ?? 0;
            byte[] raw;
            if (size > BounceParser.MaxMessageBytes)
            {
                raw = MailboxTally.TooLarge;
            }
            else
            {
                using var stream = await inbox.GetStreamAsync(uid, "", ct);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                raw = buffer.ToArray();
            }
            tally.Add(await processor.ProcessAsync(raw, ct));
            // Moved only now: the outcome is committed, so a crash before this line reprocesses (idempotently).
            await inbox.MoveToAsync(uid, processed, ct);
        }
        await client.DisconnectAsync(true, ct);
        var pass = tally.ToPass();
        logger.LogInformation("return mailbox {Where} (IMAP): {Read} read, {Bounces} bounces, {Complaints} complaints, {Unmatched} unmatched, {Changes} subscribers changed",
            where, pass.Read, pass.Bounces, pass.Complaints, pass.Unmatched, pass.Changes.Count);
        return pass;
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
                ?? throw new BounceMailboxException(Localization.Texts.Format("core.bounces.create_folder", _options.ProcessedFolder));
        }
    }
}
