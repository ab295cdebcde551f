using System.Globalization;
using System.Security.Cryptography;
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

    // Pipelining across messages: the next message's MAIL, RCPT and DATA follow the previous end of data (RFC 2920).

    [Fact]
    public async Task The_next_message_commands_follow_the_end_of_data_and_each_message_arrives_intact()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults(), 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");
        using var third = Message("zhang@xuchang.gov.cn");

        Assert.True(session.Pipelining);
        session.Send(first, "1", handOver: null, next: second);
        Assert.Same(second, session.Announced);
        session.Send(second, "2", handOver: null, next: third);
        session.Send(third, "3", handOver: null, next: null);

        Assert.Null(session.Announced);
        AssertArrivedIntact(server, first, second, third);
        Assert.Equal(1, server.Connections);
        Assert.Equal(2, server.PipelinedAfterData);
    }

    [Fact]
    public async Task Without_PIPELINING_nothing_is_announced()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults { Pipelining = false }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");

        Assert.False(session.Pipelining);
        session.Send(first, "1", handOver: null, next: second);
        Assert.Null(session.Announced);
        session.Send(second, "2", handOver: null, next: null);

        AssertArrivedIntact(server, first, second);
        Assert.Equal(0, server.PipelinedAfterData);
    }

    [Theory]
    [InlineData("550 5.7.1 sender refused for this message", DeliveryFailureKind.MessageRejected)]
    [InlineData("451 4.7.1 try this message later", DeliveryFailureKind.Temporary)]
    public async Task A_refused_MAIL_of_the_announced_message_fails_that_message_only(string refusal, DeliveryFailureKind kind)
    {
        await using var server = new FaultySmtpServer(new SmtpFaults { MailScript = new Dictionary<int, string> { [2] = refusal } }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");
        using var third = Message("zhang@xuchang.gov.cn");

        var firstReply = session.Send(first, "1", handOver: null, next: second);
        var failure = Assert.Throws<DeliveryException>(() => session.Send(second, "2", handOver: null, next: third));
        session.Send(third, "3", handOver: null, next: null);

        Assert.StartsWith("2.0.0 queued as", firstReply, StringComparison.Ordinal);
        Assert.Equal(kind, failure.Kind);
        Assert.Equal(int.Parse(refusal[..3], CultureInfo.InvariantCulture), failure.StatusCode);
        Assert.Contains(refusal[4..], failure.Reply, StringComparison.Ordinal);
        AssertArrivedIntact(server, first, third);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_refused_RCPT_of_the_announced_message_fails_that_recipient_only()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults
        {
            RejectedRecipients = new HashSet<string>(["nobody@xuchang.gov.cn"], StringComparer.OrdinalIgnoreCase),
        }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var refused = Message("nobody@xuchang.gov.cn");
        using var third = Message("zhang@xuchang.gov.cn");

        session.Send(first, "1", handOver: null, next: refused);
        var failure = Assert.Throws<DeliveryException>(() => session.Send(refused, "2", handOver: null, next: third));
        session.Send(third, "3", handOver: null, next: null);

        Assert.Equal(DeliveryFailureKind.RecipientRejected, failure.Kind);
        Assert.StartsWith("550 5.1.1 <nobody@xuchang.gov.cn>", failure.Reply, StringComparison.Ordinal);
        AssertArrivedIntact(server, first, third);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_4xx_after_the_end_of_data_defers_that_message_and_the_announced_one_goes_on()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults { DataScript = new Dictionary<int, string> { [1] = "451 4.3.0 local error in processing" } }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");

        var failure = Assert.Throws<DeliveryException>(() => session.Send(first, "1", handOver: null, next: second));
        Assert.Same(second, session.Announced);
        session.Send(second, "2", handOver: null, next: null);

        Assert.Equal(DeliveryFailureKind.Temporary, failure.Kind);
        Assert.Equal(451, failure.StatusCode);
        // Its commands stayed where they were: no RSET in between, its data arrived as sent, on the same connection.
        AssertArrivedIntact(server, second);
        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [InlineData(SmtpFaults.Drop)]
    [InlineData("421 4.3.2 service shutting down")]
    public async Task A_connection_lost_before_the_final_reply_defers_that_message_and_sends_the_announced_one_again(string end)
    {
        await using var server = new FaultySmtpServer(new SmtpFaults { DataScript = new Dictionary<int, string> { [1] = end } }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");

        var failure = Assert.Throws<DeliveryException>(() => session.Send(first, "1", handOver: null, next: second));
        var reply = session.Send(second, "2", handOver: null, next: null);

        // Not accepted with 250 after its end of data: not sent (it is retried); the announced one went on a new connection.
        Assert.Equal(DeliveryFailureKind.Temporary, failure.Kind);
        Assert.Equal(end == SmtpFaults.Drop ? 0 : 421, failure.StatusCode);
        Assert.StartsWith("2.0.0 queued as", reply, StringComparison.Ordinal);
        AssertArrivedIntact(server, second);
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_that_ends_after_the_previous_message_sends_the_announced_one_again_on_a_new_one(bool with421)
    {
        // Accepted, then the relay closes (a per-connection limit), or says 421 to the announced MAIL: nothing of the
        // announced message was taken, so it goes again at once, and no failure is reported for it.
        await using var server = new FaultySmtpServer(with421
            ? new SmtpFaults { MailScript = new Dictionary<int, string> { [2] = "421 4.7.0 too many messages on this connection" } }
            : new SmtpFaults { DataScript = new Dictionary<int, string> { [1] = SmtpFaults.AcceptThenDrop } }, 1);
        using var session = Open(server);
        using var first = Message("li@xuchang.gov.cn");
        using var second = Message("wang@xuchang.gov.cn");
        using var third = Message("zhang@xuchang.gov.cn");

        session.Send(first, "1", handOver: null, next: second);
        session.Send(second, "2", handOver: null, next: third);
        session.Send(third, "3", handOver: null, next: null);

        AssertArrivedIntact(server, first, second, third);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task An_announced_message_that_is_not_sent_is_abandoned_undelivered()
    {
        await using var server = new FaultySmtpServer(new SmtpFaults(), 1);
        using var first = Message("li@xuchang.gov.cn");
        using var announced = Message("wang@xuchang.gov.cn");
        using var other = Message("zhang@xuchang.gov.cn");
        using (var session = Open(server))
        {
            session.Send(first, "1", handOver: null, next: announced);
            // The caller sends another message instead (say, the announced one's lease was in doubt), then stops.
            session.Send(other, "2", handOver: null, next: announced);
        }

        await WaitUntilAsync(() => server.Accepted.Count >= 2);
        AssertArrivedIntact(server, first, other);
        Assert.Equal(2, server.Connections);
    }

    /// <summary>Exactly these messages were accepted, once each, with the bytes that were sent.</summary>
    private static void AssertArrivedIntact(FaultySmtpServer server, params OutgoingMessage[] messages)
    {
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), server.Accepted.Keys.Order(StringComparer.Ordinal));
        foreach (var message in messages)
        {
            Assert.Equal(1, server.Accepted[message.MessageId]);
            var sent = message.Data.ToArray();
            var expected = sent.AsSpan().EndsWith("\r\n"u8) ? sent : [.. sent, (byte)'\r', (byte)'\n'];
            Assert.Equal(Convert.ToHexString(SHA256.HashData(expected)), server.AcceptedData[message.MessageId]);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
