using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Delivery.Wire;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>
/// The transaction that sends MAIL, RCPT and DATA in one group (<see cref="BulkSmtpClient"/>) where it leaves the
/// straight path: refusals, a server that takes DATA anyway, a hand-over that fails mid-message. The fault and crash
/// tests of the campaign sender run it against random faults.
/// </summary>
public sealed class PipelinedTransactionTests
{
    private static readonly MessageFactory Messages = new(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });

    private static OutgoingMessage Message(string email)
    {
        var variant = new ComposedVariant("municipal", "许昌竞争情报快递", null,
            SlotTemplate.Parse("<p>[[nl:salutation]]：正文。</p>"), SlotTemplate.Parse("[[nl:salutation]]：\n正文。\n"));
        var values = new RecipientValues("王局长", "王局长", email, "https://bulletin.example.org/u/1", "https://bulletin.example.org/v/1");
        return Messages.Create(variant, new Recipient(email, "王局长", values), Messages.NewMessageId(), 1, DateTimeOffset.UtcNow);
    }

    private static IMailSession Open(FaultySmtpServer server) =>
        new SmtpTransport(new SmtpOptions { Host = server.Host, Port = server.Port, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) })
            .OpenSession("pipelining-tests", CancellationToken.None);

    [Fact]
    public void The_MailKit_internals_it_uses_are_where_this_MailKit_keeps_them()
    {
        // After a MailKit upgrade that moved them every message would quietly take MailKit's slower transaction.
        Assert.True(BulkSmtpClient.PipelineAvailable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_recipient_fails_with_its_reply_and_the_connection_goes_on(bool serverTakesDataAnyway)
    {
        await using var server = new FaultySmtpServer(new SmtpFaults
        {
            RejectedRecipients = new HashSet<string>(["nobody@xuchang.gov.cn"], StringComparer.OrdinalIgnoreCase),
            AcceptDataWithoutRecipients = serverTakesDataAnyway,
        }, 1);
        using var session = Open(server);
        using var refused = Message("nobody@xuchang.gov.cn");
        using var next = Message("wang@xuchang.gov.cn");

        var failure = Assert.Throws<DeliveryException>(() => session.Send(refused, "1", handOver: null));
        var reply = session.Send(next, "2", handOver: null);

        Assert.Equal(DeliveryFailureKind.RecipientRejected, failure.Kind);
        Assert.Equal(550, failure.StatusCode);
        Assert.StartsWith("550 5.1.1 <nobody@xuchang.gov.cn>", failure.Message, StringComparison.Ordinal);
        Assert.Equal(serverTakesDataAnyway ? 1 : 0, server.Injected.GetValueOrDefault("354-without-rcpt"));
        Assert.StartsWith("2.0.0 queued as", reply, StringComparison.Ordinal);
        Assert.Equal([next.MessageId], server.Accepted.Keys);
        Assert.Equal(1, server.Connections);
        Assert.Equal(2, server.PipelinedAfterRcpt);
    }

    [Fact]
    public async Task A_failed_hand_over_abandons_the_message_and_the_next_one_reconnects()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults(), 1);
        using var session = Open(server);
        using var abandoned = Message("li@xuchang.gov.cn");
        using var next = Message("wang@xuchang.gov.cn");

        var failure = Assert.Throws<DeliveryException>(() => session.Send(abandoned, "1", () => throw new IOException("outcome not recorded")));
        session.Send(next, "2", handOver: null);

        Assert.Equal(DeliveryFailureKind.Temporary, failure.Kind);
        Assert.Contains("outcome not recorded", failure.Message, StringComparison.Ordinal);
        // The server never saw the end of the first message, so it delivered only the second, on a new connection.
        await WaitUntilAsync(() => server.Accepted.ContainsKey(next.MessageId));
        Assert.Equal([next.MessageId], server.Accepted.Keys);
        Assert.Equal(2, server.Connections);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
