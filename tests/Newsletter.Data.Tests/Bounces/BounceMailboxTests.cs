using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Data.Bounces;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Bounces;

/// <summary>The return mailbox on a real Dovecot (IMAP, loopback) over a real SQLite file.</summary>
[Requires("dovecot")]
public sealed class BounceMailboxTests() : BounceMailboxFixture(pop3: false, "mailbox-test-secret-0123456789")
{
    private ImapBounceMailbox _mailbox = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var options = new BounceOptions
        {
            Host = Dovecot.Host, Port = Dovecot.Port, Security = SmtpSecurity.None, UserName = Dovecot.UserName, Password = Dovecot.Password,
        };
        _mailbox = new ImapBounceMailbox(options, Processor(options), NullLogger<ImapBounceMailbox>.Instance);
    }

    private async Task<(int Inbox, int Processed)> CountAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Dovecot.Host, Dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Dovecot.UserName, Dovecot.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var inbox = client.Inbox.Count;
        var processed = await client.GetFolderAsync("Processed");
        await processed.OpenAsync(FolderAccess.ReadOnly);
        var result = (inbox, processed.Count);
        await client.DisconnectAsync(true);
        return result;
    }

    [Fact]
    public async Task One_pass_applies_every_message_moves_it_and_a_second_pass_changes_nothing()
    {
        var (wang, li, zhao) = await AddSubscribersAsync();
        await AppendAsync(
            Dsn("r1", wang.Email),
            AutoReply(zhao.Email),
            UnsubscribeMail(li),
            "From: x@y.example\nSubject: truncated\nContent-Type: multipart/report; boundary=\"X\"\n\n--X\nContent-Type: message/delivery-status\n\nFinal-Recip");

        var pass = await _mailbox.RunOnceAsync();

        Assert.Equal((4, 1, 1), (pass.Read, pass.Bounces, pass.Unsubscribes));
        Assert.Equal(SubscriberStatus.Bounced, (await Subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await Subscribers.FindByIdAsync(zhao.Id))!.Status);
        Assert.Equal((0, 4), await CountAsync());

        // The same report delivered again (as after a crash before the move): read, counted once.
        await AppendAsync(Dsn("r1", wang.Email));
        var again = await _mailbox.RunOnceAsync();
        Assert.Equal((1, 0), (again.Read, again.Changes.Count));
        Assert.Single(await new SqlBounceStore(Database).ListAsync(new BounceQuery(Class: BounceClass.Hard)));
        Assert.Equal((0, 5), await CountAsync());
    }

    [Fact]
    public async Task Wrong_password_is_one_clear_error()
    {
        var options = new BounceOptions { Host = Dovecot.Host, Port = Dovecot.Port, Security = SmtpSecurity.None, UserName = Dovecot.UserName, Password = "wrong" };
        var mailbox = new ImapBounceMailbox(options, null!, NullLogger<ImapBounceMailbox>.Instance);
        var e = await Assert.ThrowsAsync<BounceMailboxException>(() => mailbox.RunOnceAsync());
        Assert.Contains($"{Dovecot.Host}:{Dovecot.Port}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }
}
