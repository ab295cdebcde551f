using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Data.Audience;
using Newsletter.Data.Bounces;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Bounces;

/// <summary>
/// A throwaway Dovecot on loopback (with its POP3 server when <paramref name="pop3"/>) and a real SQLite file with a
/// subscriber store: what the return-mailbox tests over IMAP and over POP3 share.
/// </summary>
public abstract class BounceMailboxFixture(bool pop3, string tokenSecret) : IAsyncLifetime
{
    private readonly SqliteTestDatabase _db = new();

    protected DovecotImap Dovecot { get; } = new(pop3: pop3);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    protected SubscriberTokens Tokens { get; } = SubscriberTokens.FromText(tokenSecret);

    protected NewsletterDatabase Database { get; private set; } = null!;

    protected SqlSubscriberStore Subscribers { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Database = _db.Open();
        await Database.EnsureMigratedAsync();
        Subscribers = new SqlSubscriberStore(Database, Time);
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        await _db.DisposeAsync();
        Dovecot.Dispose();
    }

    /// <summary>The processor the mailbox hands each message to, on the SQLite store unless <paramref name="store"/>.</summary>
    protected BounceProcessor Processor(BounceOptions options, IBounceStore? store = null) =>
        new(new BounceParser(), store ?? new SqlBounceStore(Database), Subscribers, Tokens, options, Time);

    /// <summary>Puts messages in the inbox (a Maildir POP3 reads too); IMAP APPEND is the quickest way there.</summary>
    protected async Task AppendAsync(params string[] messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Dovecot.Host, Dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Dovecot.UserName, Dovecot.Password);
        foreach (var m in messages)
        {
            await client.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.ReplaceLineEndings("\r\n")))));
        }
        await client.DisconnectAsync(true);
    }

    /// <summary>Three active subscribers of 市级领导, for whom the tests make a bounce, an unsubscribe and an auto-reply.</summary>
    protected async Task<(Subscriber Wang, Subscriber Li, Subscriber Zhao)> AddSubscribersAsync()
    {
        Task<Subscriber> Add(string email, string name) =>
            Subscribers.AddAsync(new SubscriberDraft(email, name, null, null, [Segments.Municipal], null, []));
        return (await Add("wang@xuchang.gov.cn", "王建国"), await Add("li@xuchang.gov.cn", "李娜"), await Add("zhao@xuchang.gov.cn", "赵强"));
    }

    /// <summary>An out-of-office reply from <paramref name="from"/>: read, and changes nothing.</summary>
    protected static string AutoReply(string from) =>
        $"From: {from}\nTo: bulletin@xcsti.example.org\nSubject: 自动回复: 快递\nAuto-Submitted: auto-replied\nMessage-ID: <v1@x>\n\n休假中\n";

    /// <summary>A mail from <paramref name="subscriber"/> to the List-Unsubscribe address with their signed token.</summary>
    protected string UnsubscribeMail(Subscriber subscriber) =>
        $"From: {subscriber.Email}\nTo: unsubscribe+{Tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id)}@xcsti.example.org\nSubject: unsubscribe\nMessage-ID: <u1@x>\n\nunsubscribe\n";

    /// <summary>A Postfix-style DSN reporting <paramref name="recipient"/> unknown (5.1.1).</summary>
    protected static string Dsn(string id, string recipient) => $"""
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
}
