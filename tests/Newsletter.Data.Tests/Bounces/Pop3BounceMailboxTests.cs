using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
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

/// <summary>The return mailbox over POP3 (Bounces:Protocol=Pop3) on a real Dovecot (loopback) over a real SQLite file.</summary>
public sealed class Pop3BounceMailboxTests : IAsyncLifetime
{
    private readonly DovecotImap _dovecot = new(pop3: true);
    private readonly SqliteTestDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly SubscriberTokens _tokens = SubscriberTokens.FromText("pop3-mailbox-test-secret-0123456789");
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;

    public async Task InitializeAsync()
    {
        _database = _db.Open();
        await _database.EnsureMigratedAsync();
        _subscribers = new SqlSubscriberStore(_database, _time);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
        _dovecot.Dispose();
    }

    private BounceOptions Options(string? password = null) => new()
    {
        Protocol = BounceProtocol.Pop3, Host = _dovecot.Host, Port = _dovecot.Pop3Port, Security = SmtpSecurity.None,
        UserName = _dovecot.UserName, Password = password ?? _dovecot.Password,
    };

    private Pop3BounceMailbox Mailbox(IBounceStore? store = null) =>
        new(Options(), new BounceProcessor(new BounceParser(), store ?? new SqlBounceStore(_database), _subscribers, _tokens, Options(), _time),
            NullLogger<Pop3BounceMailbox>.Instance);

    /// <summary>Returned mail arrives in the Maildir; IMAP APPEND is just the quickest way to put it there.</summary>
    private async Task DeliverAsync(params string[] messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_dovecot.UserName, _dovecot.Password);
        foreach (var m in messages)
        {
            await client.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.ReplaceLineEndings("\r\n")))));
        }
        await client.DisconnectAsync(true);
    }

    private async Task<int> WaitingAsync()
    {
        using var client = new Pop3Client();
        await client.ConnectAsync(_dovecot.Host, _dovecot.Pop3Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_dovecot.UserName, _dovecot.Password);
        var count = await client.GetMessageCountAsync();
        await client.DisconnectAsync(true);
        return count;
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
    public async Task One_pass_applies_every_message_deletes_it_and_a_second_pass_reads_nothing()
    {
        var wang = await _subscribers.AddAsync(new SubscriberDraft("wang@xuchang.gov.cn", "王建国", null, null, [Segments.Municipal], null, []));
        var li = await _subscribers.AddAsync(new SubscriberDraft("li@xuchang.gov.cn", "李娜", null, null, [Segments.Municipal], null, []));
        var zhao = await _subscribers.AddAsync(new SubscriberDraft("zhao@xuchang.gov.cn", "赵强", null, null, [Segments.Municipal], null, []));
        var token = _tokens.Create(TokenPurpose.Unsubscribe, li.Id);
        await DeliverAsync(
            Dsn("p1", wang.Email),
            "From: zhao@xuchang.gov.cn\nTo: bulletin@xcsti.example.org\nSubject: 自动回复: 快递\nAuto-Submitted: auto-replied\nMessage-ID: <v1@x>\n\n休假中\n",
            $"From: li@xuchang.gov.cn\nTo: unsubscribe+{token}@xcsti.example.org\nSubject: unsubscribe\nMessage-ID: <u1@x>\n\nunsubscribe\n");

        var pass = await Mailbox().RunOnceAsync();

        Assert.Equal((3, 1, 1, 1), (pass.Read, pass.Bounces, pass.Unsubscribes, pass.Ignored));
        Assert.Equal(SubscriberStatus.Bounced, (await _subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await _subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(zhao.Id))!.Status);
        Assert.Equal(0, await WaitingAsync());
        Assert.Equal(0, (await Mailbox().RunOnceAsync()).Read);
    }

    [Fact]
    public async Task A_pass_that_fails_midway_deletes_nothing_and_the_next_pass_counts_nothing_twice()
    {
        var wang = await _subscribers.AddAsync(new SubscriberDraft("wang@xuchang.gov.cn", "王建国", null, null, [Segments.Municipal], null, []));
        var li = await _subscribers.AddAsync(new SubscriberDraft("li@xuchang.gov.cn", "李娜", null, null, [Segments.Municipal], null, []));
        await DeliverAsync(Dsn("p1", wang.Email), Dsn("p2", li.Email));

        // The store fails on the second report, as when the database goes away mid-pass: the first outcome is committed.
        var failing = new FailingOnSecondAdd(new SqlBounceStore(_database));
        await Assert.ThrowsAsync<IOException>(() => Mailbox(failing).RunOnceAsync());

        Assert.Equal(SubscriberStatus.Bounced, (await _subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(2, await WaitingAsync());

        var retry = await Mailbox().RunOnceAsync();
        Assert.Equal((2, 2), (retry.Read, retry.Bounces));
        Assert.Equal([$"{li.Email} → bounced"], retry.Changes);
        Assert.Equal(2, (await new SqlBounceStore(_database).ListAsync(new BounceQuery(Class: BounceClass.Hard))).Count);
        Assert.Equal(0, await WaitingAsync());
    }

    [Fact]
    public async Task Wrong_password_is_one_clear_error_without_the_password()
    {
        var mailbox = new Pop3BounceMailbox(Options("wrong-pop3-password"), null!, NullLogger<Pop3BounceMailbox>.Instance);
        var e = await Assert.ThrowsAsync<BounceMailboxException>(() => mailbox.RunOnceAsync());
        Assert.Contains($"{_dovecot.Host}:{_dovecot.Pop3Port} (POP3)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pop3-password", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A real store that fails its second <see cref="AddAsync"/> (a crash stand-in).</summary>
    private sealed class FailingOnSecondAdd(IBounceStore inner) : IBounceStore
    {
        private int _adds;

        public Task<bool> AddAsync(BounceRecord record, byte[]? rawReport, CancellationToken ct = default) =>
            ++_adds == 2 ? throw new IOException("database went away") : inner.AddAsync(record, rawReport, ct);

        public Task<OutboxMatch?> FindByMessageIdAsync(string messageId, CancellationToken ct = default) => inner.FindByMessageIdAsync(messageId, ct);

        public Task<OutboxMatch?> FindByCampaignAndEmailAsync(long campaignId, string email, CancellationToken ct = default) =>
            inner.FindByCampaignAndEmailAsync(campaignId, email, ct);

        public Task<OutboxMatch?> FindByOutboxIdAsync(long outboxId, CancellationToken ct = default) => inner.FindByOutboxIdAsync(outboxId, ct);

        public Task<int> CountSoftAsync(long subscriberId, DateTimeOffset since, CancellationToken ct = default) => inner.CountSoftAsync(subscriberId, since, ct);

        public Task<IReadOnlyList<BounceRecord>> ListAsync(BounceQuery query, CancellationToken ct = default) => inner.ListAsync(query, ct);

        public Task<BounceCounts> CountForCampaignAsync(long campaignId, CancellationToken ct = default) => inner.CountForCampaignAsync(campaignId, ct);

        public Task<int> PurgeRawAsync(DateTimeOffset before, CancellationToken ct = default) => inner.PurgeRawAsync(before, ct);
    }
}
