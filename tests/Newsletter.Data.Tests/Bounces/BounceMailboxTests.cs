using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Data.Audience;
using Newsletter.Data.Bounces;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Bounces;

/// <summary>The return mailbox on a real Dovecot (IMAP, loopback) over a real SQLite file.</summary>
[Requires("dovecot")]
public sealed class BounceMailboxTests : IAsyncLifetime
{
    private readonly DovecotImap _imap = new();
    private readonly SqliteTestDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly SubscriberTokens _tokens = SubscriberTokens.FromText("mailbox-test-secret-0123456789");
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;
    private ImapBounceMailbox _mailbox = null!;

    public async Task InitializeAsync()
    {
        _database = _db.Open();
        await _database.EnsureMigratedAsync();
        _subscribers = new SqlSubscriberStore(_database, _time);
        var options = new BounceOptions
        {
            Host = _imap.Host, Port = _imap.Port, Security = SmtpSecurity.None, UserName = _imap.UserName, Password = _imap.Password,
        };
        var processor = new BounceProcessor(new BounceParser(), new SqlBounceStore(_database), _subscribers, _tokens, options, _time);
        _mailbox = new ImapBounceMailbox(options, processor, NullLogger<ImapBounceMailbox>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
        _imap.Dispose();
    }

    private async Task AppendAsync(params string[] messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(_imap.Host, _imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_imap.UserName, _imap.Password);
        foreach (var m in messages)
        {
            await client.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.ReplaceLineEndings("\r\n")))));
        }
        await client.DisconnectAsync(true);
    }

    private async Task<(int Inbox, int Processed)> CountAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync(_imap.Host, _imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_imap.UserName, _imap.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var inbox = client.Inbox.Count;
        var processed = await client.GetFolderAsync("Processed");
        await processed.OpenAsync(FolderAccess.ReadOnly);
        var result = (inbox, processed.Count);
        await client.DisconnectAsync(true);
        return result;
    }

    private static string Dsn(string id, string recipient) => $"""
        From: MAILER-DAEMON@relay.xcsti.example.org (Mail Delivery System)
        To: bulletin@xcsti.example.org
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <{id}@relay.xcsti.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        <{recipient}>: host mx.example[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.xcsti.example.org

        Final-Recipient: rfc822; {recipient}
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 User unknown

        --B--
        """;

    [Fact]
    public async Task One_pass_applies_every_message_moves_it_and_a_second_pass_changes_nothing()
    {
        var wang = await _subscribers.AddAsync(new SubscriberDraft("wang@xuchang.gov.cn", "王建国", null, null, [Segments.Municipal], null, []));
        var li = await _subscribers.AddAsync(new SubscriberDraft("li@xuchang.gov.cn", "李娜", null, null, [Segments.Municipal], null, []));
        var zhao = await _subscribers.AddAsync(new SubscriberDraft("zhao@xuchang.gov.cn", "赵强", null, null, [Segments.Municipal], null, []));
        var token = _tokens.Create(TokenPurpose.Unsubscribe, li.Id);
        await AppendAsync(
            Dsn("r1", wang.Email),
            "From: zhao@xuchang.gov.cn\nTo: bulletin@xcsti.example.org\nSubject: 自动回复: 快递\nAuto-Submitted: auto-replied\nMessage-ID: <v1@x>\n\n休假中\n",
            $"From: li@xuchang.gov.cn\nTo: unsubscribe+{token}@xcsti.example.org\nSubject: unsubscribe\nMessage-ID: <u1@x>\n\nunsubscribe\n",
            "From: x@y.example\nSubject: truncated\nContent-Type: multipart/report; boundary=\"X\"\n\n--X\nContent-Type: message/delivery-status\n\nFinal-Recip");

        var pass = await _mailbox.RunOnceAsync();

        Assert.Equal((4, 1, 1), (pass.Read, pass.Bounces, pass.Unsubscribes));
        Assert.Equal(SubscriberStatus.Bounced, (await _subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await _subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(zhao.Id))!.Status);
        Assert.Equal((0, 4), await CountAsync());

        // The same report delivered again (as after a crash before the move): read, counted once.
        await AppendAsync(Dsn("r1", wang.Email));
        var again = await _mailbox.RunOnceAsync();
        Assert.Equal((1, 0), (again.Read, again.Changes.Count));
        Assert.Single(await new SqlBounceStore(_database).ListAsync(new BounceQuery(Class: BounceClass.Hard)));
        Assert.Equal((0, 5), await CountAsync());
    }

    [Fact]
    public async Task Wrong_password_is_one_clear_error()
    {
        var options = new BounceOptions { Host = _imap.Host, Port = _imap.Port, Security = SmtpSecurity.None, UserName = _imap.UserName, Password = "wrong" };
        var mailbox = new ImapBounceMailbox(options, null!, NullLogger<ImapBounceMailbox>.Instance);
        var e = await Assert.ThrowsAsync<BounceMailboxException>(() => mailbox.RunOnceAsync());
        Assert.Contains($"{_imap.Host}:{_imap.Port}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }
}
