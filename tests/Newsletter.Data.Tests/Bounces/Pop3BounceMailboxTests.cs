using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Data.Bounces;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Bounces;

/// <summary>The return mailbox over POP3 (Bounces:Protocol=Pop3) on a real Dovecot (loopback) over a real SQLite file.</summary>
[Requires("dovecot")]
public sealed class Pop3BounceMailboxTests() : BounceMailboxFixture(pop3: true, "pop3-mailbox-test-secret-0123456789")
{
    private BounceOptions Options(string? password = null) => new()
    {
        Protocol = BounceProtocol.Pop3, Host = Dovecot.Host, Port = Dovecot.Pop3Port, Security = SmtpSecurity.None,
        UserName = Dovecot.UserName, Password = password ?? Dovecot.Password,
    };

    private Pop3BounceMailbox Mailbox(IBounceStore? store = null) =>
        new(Options(), Processor(Options(), store), NullLogger<Pop3BounceMailbox>.Instance);

    private async Task<int> WaitingAsync()
    {
        using var client = new Pop3Client();
        await client.ConnectAsync(Dovecot.Host, Dovecot.Pop3Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Dovecot.UserName, Dovecot.Password);
        var count = await client.GetMessageCountAsync();
        await client.DisconnectAsync(true);
        return count;
    }

    [Fact]
    public async Task One_pass_applies_every_message_deletes_it_and_a_second_pass_reads_nothing()
    {
        var (wang, li, zhao) = await AddSubscribersAsync();
        await AppendAsync(Dsn("p1", wang.Email), AutoReply(zhao.Email), UnsubscribeMail(li));

        var pass = await Mailbox().RunOnceAsync();

        Assert.Equal((3, 1, 1, 1), (pass.Read, pass.Bounces, pass.Unsubscribes, pass.Ignored));
        Assert.Equal(SubscriberStatus.Bounced, (await Subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await Subscribers.FindByIdAsync(zhao.Id))!.Status);
        Assert.Equal(0, await WaitingAsync());
        Assert.Equal(0, (await Mailbox().RunOnceAsync()).Read);
    }

    [Fact]
    public async Task A_pass_that_fails_midway_deletes_nothing_and_the_next_pass_counts_nothing_twice()
    {
        var (wang, li, _) = await AddSubscribersAsync();
        await AppendAsync(Dsn("p1", wang.Email), Dsn("p2", li.Email));

        // The store fails on the second report, as when the database goes away mid-pass: the first outcome is committed.
        var failing = new FailingOnSecondAdd(new SqlBounceStore(Database));
        await Assert.ThrowsAsync<IOException>(() => Mailbox(failing).RunOnceAsync());

        Assert.Equal(SubscriberStatus.Bounced, (await Subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await Subscribers.FindByIdAsync(li.Id))!.Status);
        Assert.Equal(2, await WaitingAsync());

        var retry = await Mailbox().RunOnceAsync();
        Assert.Equal((2, 2), (retry.Read, retry.Bounces));
        Assert.Equal([$"{li.Email} → bounced"], retry.Changes);
        Assert.Equal(2, (await new SqlBounceStore(Database).ListAsync(new BounceQuery(Class: BounceClass.Hard))).Count);
        Assert.Equal(0, await WaitingAsync());
    }

    [Fact]
    public async Task Wrong_password_is_one_clear_error_without_the_password()
    {
        var mailbox = new Pop3BounceMailbox(Options("wrong-pop3-password"), null!, NullLogger<Pop3BounceMailbox>.Instance);
        var e = await Assert.ThrowsAsync<BounceMailboxException>(() => mailbox.RunOnceAsync());
        Assert.Contains($"{Dovecot.Host}:{Dovecot.Pop3Port} (POP3)", e.Message, StringComparison.Ordinal);
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
