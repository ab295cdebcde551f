using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Delivery.Wire;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>The bytes <see cref="MessageFactory"/> builds, and what the transports make of them.</summary>
public sealed class WireFormatTests
{
    private static readonly SenderOptions Sender = new()
    {
        From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>",
        ReplyTo = "编辑部 <editor@xcsti.example.org>",
    };

    private static readonly DateTimeOffset Date = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));

    private static ComposedVariant Variant() => new("municipal", "许昌竞争情报快递 2026年第1期",
        null,
        SlotTemplate.Parse("<p>[[nl:salutation]]：</p>" + string.Concat(Enumerable.Repeat("<p>超硬材料产业链协同发展。</p>\n", 400)) + "<a href=\"[[nl:unsubscribe_url]]\">退订</a>"),
        SlotTemplate.Parse("[[nl:salutation]]：\n\n" + string.Concat(Enumerable.Repeat("超硬材料产业链协同发展。\n", 200)) + "退订：[[nl:unsubscribe_url]]\n"));

    private static Recipient Recipient(string name = "王建国", string email = "wang@xuchang.gov.cn") =>
        new(email, name, new RecipientValues("王局长", name, email, "https://bulletin.example.org/u/tok", "https://bulletin.example.org/v/tok"));

    [Fact]
    public void Every_line_ends_in_crlf_is_7_bit_and_at_most_998_octets()
    {
        using var message = new MessageFactory(Sender).Create(Variant(), Recipient(name: string.Concat(Enumerable.Repeat("欧阳", 60))), "id@x", 3, Date);
        var data = message.Data.ToArray();

        Assert.All(data, b => Assert.True(b < 128, "8-bit byte in the message"));
        for (var i = 0; i < data.Length; i++)
        {
            Assert.True(data[i] != '\n' || (i > 0 && data[i - 1] == '\r'), $"bare LF at {i}");
            Assert.True(data[i] != '\r' || (i + 1 < data.Length && data[i + 1] == '\n'), $"bare CR at {i}");
        }
        Assert.All(Encoding.ASCII.GetString(data).Split("\r\n"), line => Assert.True(line.Length <= 998, $"line of {line.Length} octets"));
        Assert.Equal("\r\n\r\n", Encoding.ASCII.GetString(data, message.HeaderLength - 2, 4));
        var parsed = message.Parse();
        Assert.Equal(string.Concat(Enumerable.Repeat("欧阳", 60)), parsed.To.Mailboxes.Single().Name);
        Assert.Equal(Variant().Text.Render(Recipient().Values, htmlEscape: false), parsed.TextBody);
    }

    [Fact]
    [Requires("postfix")]
    public async Task The_smtp_server_receives_exactly_the_prepared_bytes()
    {
        using var sink = new SmtpSink();
        var transport = new SmtpTransport(new SmtpOptions { Host = sink.Host, Port = sink.Port, Security = SmtpSecurity.None });
        using var message = new MessageFactory(Sender).Create(Variant(), Recipient(), "same-bytes@x", 5, Date);

        using (var session = transport.OpenSession("wire", CancellationToken.None))
        {
            session.Send(message, "m1", handOver: null);
        }

        var dump = Assert.Single(sink.WaitForMessages(1, TimeSpan.FromSeconds(10)));
        var ours = Encoding.ASCII.GetString(message.Data.Span).ReplaceLineEndings("\n").TrimEnd('\n');
        var received = (await File.ReadAllTextAsync(dump)).ReplaceLineEndings("\n");
        var start = received.IndexOf("List-Id:", StringComparison.Ordinal);
        Assert.True(start >= 0, "the dump holds our first header: " + received[..Math.Min(600, received.Length)]);
        Assert.Equal(ours, received[start..].TrimEnd('\n'));
    }

    [Fact]
    public async Task Pickup_files_are_the_message_bytes()
    {
        using var folder = new TempDirectory("pickup");
        using var message = new MessageFactory(Sender).Create(Variant(), Recipient(), "file@x", 5, Date);
        using (var session = new PickupTransport(folder.Path).OpenSession("c5", CancellationToken.None))
        {
            session.Send(message, "m1", handOver: null);
        }
        Assert.Equal(message.Data.ToArray(), await File.ReadAllBytesAsync(Path.Combine(folder.Path, "c5", "m1.eml")));
    }

    [Fact]
    public void Header_values_lose_exactly_the_control_characters()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            var value = "王" + c + "建国";
            Assert.Equal(char.IsControl(c) ? "王 建国" : value, MessageFactory.Clean(value));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(56)]
    [InlineData(57)]
    [InlineData(58)]
    [InlineData(114)]
    [InlineData(22_222)]
    public void Base64_lines_are_those_of_the_framework(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        using var output = new PooledBufferWriter(16);

        MessageFactory.WriteBase64Lines(data, output);

        var expected = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + (length > 0 ? "\r\n" : "");
        Assert.Equal(expected, Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("QUJD\r\n--=_nl_x--\r\n", false, "QUJD\r\n--=_nl_x--\r\n")]
    [InlineData(".hidden\r\n", true, "..hidden\r\n")]
    [InlineData("QUJD\r\n.\r\nQUJD\r\n", true, "QUJD\r\n..\r\nQUJD\r\n")]
    public void Dot_stuffing_is_skipped_only_for_a_body_without_a_line_starting_with_a_dot(string body, bool filtered, string sent)
    {
        using var target = new MemoryStream();
        using var data = new MimeKit.IO.FilteredStream(target);
        data.Add(new MailKit.Net.Smtp.SmtpDataFilter());
        var bytes = Encoding.ASCII.GetBytes(body);

        var chosen = MailKitMessage.PastDotStuffing(data, bytes);
        chosen.Write(bytes);
        chosen.Flush();

        Assert.Equal(filtered, ReferenceEquals(chosen, data));
        Assert.Equal(sent, Encoding.ASCII.GetString(target.ToArray()));   // a line starting with a dot gets a second one
    }

    [Fact]
    public void A_pickup_message_whose_hand_over_fails_leaves_no_file()
    {
        using var folder = new TempDirectory("pickup");
        using var message = new MessageFactory(Sender).Create(Variant(), Recipient(), "abandoned@x", 5, Date);
        using var session = new PickupTransport(folder.Path).OpenSession("c5", CancellationToken.None);

        var e = Assert.Throws<DeliveryException>(() => session.Send(message, "m1", () => throw new InvalidOperationException("not recorded")));

        Assert.Equal(DeliveryFailureKind.Temporary, e.Kind);
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "c5")));
    }

    [Fact]
    public void Relaxed_body_canonicalisation_follows_the_rfc_6376_example()
    {
        // RFC 6376 §3.4.6: " C \r\nD \t E\r\n\r\n\r\n" canonicalises (relaxed) to " C\r\nD E\r\n".
        Span<byte> actual = stackalloc byte[32];
        DkimSigner.HashRelaxedBody(" C \r\nD \t E\r\n\r\n\r\n"u8, actual);
        Assert.Equal(SHA256.HashData(" C\r\nD E\r\n"u8), actual.ToArray());

        DkimSigner.HashRelaxedBody(""u8, actual);
        Assert.Equal(SHA256.HashData(""u8), actual.ToArray());
    }

    [Theory]
    [InlineData("Content-Type: text/plain\r\n\r\nQUJD\r\n--b--\r\n", true, "Content-Type: text/plain\r\n\r\nQUJD\r\n--b--\r\n")]   // as MessageFactory writes
    [InlineData("A\r\n\r\n", false, "A\r\n")]            // a trailing empty line is dropped
    [InlineData("A \r\nB\r\n", false, "A\r\nB\r\n")]   // a space before the line end
    [InlineData("A  B\r\n", false, "A B\r\n")]            // a run of spaces
    [InlineData("A\tB\r\n", false, "A B\r\n")]
    [InlineData("A\r\nB", false, "A\r\nB\r\n")]          // no final CRLF
    [InlineData("\r\n", false, "")]                         // only an empty line: the canonical body is empty
    public void The_one_pass_body_hash_is_taken_only_for_bodies_already_in_relaxed_form(string body, bool asItIs, string relaxed)
    {
        Assert.Equal(asItIs, DkimSigner.IsRelaxedBody(Encoding.ASCII.GetBytes(body)));
        Span<byte> actual = stackalloc byte[32];
        DkimSigner.HashRelaxedBody(Encoding.ASCII.GetBytes(body), actual);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(relaxed)), actual.ToArray());
    }

    [Fact]
    public void A_disposed_message_cannot_be_read()
    {
        var message = new MessageFactory(Sender).Create(Variant(), Recipient(), "gone@x", 5, Date);
        message.Dispose();
        message.Dispose();   // twice is harmless: the buffer goes back to the pool once
        Assert.Throws<ObjectDisposedException>(() => message.Data);
    }

    [Fact]
    public void A_non_ascii_local_part_is_refused_instead_of_being_mangled()
    {
        var e = Assert.Throws<ArgumentException>(() => new MessageFactory(Sender).Create(Variant(), Recipient(email: "王局长@xuchang.gov.cn"), "u@x", 5, Date));
        Assert.Contains("王局长@xuchang.gov.cn", e.Message, StringComparison.Ordinal);

        using var idn = new MessageFactory(Sender).Create(Variant(), Recipient(email: "wang@许昌.中国"), "i@x", 5, Date);
        Assert.Contains("wang@xn--", Encoding.ASCII.GetString(idn.Data.Span[..idn.HeaderLength]), StringComparison.Ordinal);
    }

    [Fact]
    [Requires("postfix")]
    public async Task A_message_is_handed_over_only_when_its_hand_over_completes_and_abandoned_when_it_faults()
    {
        using var sink = new SmtpSink();
        var transport = new SmtpTransport(new SmtpOptions { Host = sink.Host, Port = sink.Port, Security = SmtpSecurity.None });
        using var waiting = new MessageFactory(Sender).Create(Variant(), Recipient(), "waits@x", 5, Date);
        using var abandoned = new MessageFactory(Sender).Create(Variant(), Recipient(), "abandoned@x", 5, Date);
        using var session = transport.OpenSession("hand-over", CancellationToken.None);

        // No fixed waits: each step waits (bounded) for the event it is about, and a failed wait says what it saw.
        using var inHandOver = new ManualResetEventSlim();
        var handOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = Task.Run(() => session.Send(waiting, "m1", () =>
        {
            inHandOver.Set();
            handOver.Task.Wait();
        }));
        Assert.True(inHandOver.Wait(Deadline), "the hand-over was not called within " + Deadline);
        // The body is out (smtp-sink writes the open transaction's dump as it arrives), its last line and the dot are not.
        var open = sink.WaitForMessages(1, Deadline);
        Assert.True(open.Count == 1, $"{open.Count} dumps while the first message waits for its hand-over");
        Assert.False(SmtpSink.IsComplete(open[0]), "the message was completed before its hand-over completed");
        Assert.False(sending.IsCompleted);
        handOver.SetResult();
        await sending;
        Assert.Single(sink.WaitForMessages(1, Deadline), SmtpSink.IsComplete);

        var e = Assert.Throws<DeliveryException>(() =>
            session.Send(abandoned, "m2", () => throw new InvalidOperationException("not recorded")));
        Assert.Equal(DeliveryFailureKind.Temporary, e.Kind);
        // The fault closed the connection; the next message goes on a new one. Once it has arrived, everything the
        // abandoned message's connection carried has been read by the server too (it was closed before the new one
        // opened): the complete messages are the first and the next, never the abandoned one.
        using var next = new MessageFactory(Sender).Create(Variant(), Recipient(), "next@x", 5, Date);
        session.Send(next, "m3", handOver: null);
        var complete = WaitForComplete(sink, 2);
        Assert.True(complete.Count == 2, $"{complete.Count} complete messages of {sink.Messages().Count}");
        Assert.Single(complete, text => text.Contains("<waits@x>", StringComparison.Ordinal));
        Assert.Single(complete, text => text.Contains("<next@x>", StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Messages(), dump => SmtpSink.IsComplete(dump) && File.ReadAllText(dump).Contains("abandoned@x", StringComparison.Ordinal));
    }

    /// <summary>Waits (bounded) until the sink holds <paramref name="count"/> complete messages; returns their texts.</summary>
    private static List<string> WaitForComplete(SmtpSink sink, int count)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var complete = sink.Messages().Select(File.ReadAllText).Where(SmtpSink.IsCompleteText).ToList();
            if (complete.Count >= count || DateTime.UtcNow > deadline) return complete;
            Thread.Sleep(50);
        }
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
}
