using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MailKit.Net.Smtp;
using MimeKit;

namespace Newsletter.Core.Delivery.Wire;

/// <summary>
/// MailKit's client with a shorter transaction for prepared messages. MailKit does the connection, TLS, EHLO, AUTH,
/// reply parsing and protocol log; <see cref="SendPrepared"/> sends MAIL, RCPT and DATA in one write when the server
/// offers PIPELINING, as Postfix's smtp client does (RFC 2920 allows DATA as the last command of a group), and when the
/// caller knows the next message, that message's MAIL, RCPT and DATA follow this one's end of data in the same write
/// (RFC 2920 allows message content as the first "command" of a group): one round trip per message instead of MailKit's
/// three, and fewer wake-ups on both ends. Each reply is read by the call for the message it belongs to.
/// </summary>
internal sealed class BulkSmtpClient : SmtpClient
{
    private const string SmtpStreamType = "MailKit.Net.Smtp.SmtpStream, MailKit";
    private static readonly byte[] EndOfData = ".\r\n"u8.ToArray();
    private static readonly byte[] CrlfEndOfData = "\r\n.\r\n"u8.ToArray();

    /// <summary>
    /// Whether MailKit's internals are where this version expects them. After a MailKit upgrade that moved them every
    /// message goes through MailKit's own transaction: slower, the same on the wire (a test says so when it happens).
    /// </summary>
    internal static bool PipelineAvailable { get; } = ProbeMailKit();

    /// <summary>
    /// The message whose MAIL, RCPT and DATA went out behind the previous message's end of data and whose replies are
    /// not read yet; the next <see cref="SendPrepared"/> must send it. Null after anything that ends the connection.
    /// </summary>
    public OutgoingMessage? Announced { get; private set; }

    /// <summary>Whether this connection can send MAIL, RCPT and DATA in one group (and announce a next message).</summary>
    public bool CanPipeline => PipelineAvailable && IsConnected && (Capabilities & SmtpCapabilities.Pipelining) != 0;

    /// <summary>
    /// Sends one prepared message; returns the server's final reply. With <paramref name="next"/>, and when both go through
    /// the pipelined transaction, <paramref name="next"/>'s MAIL, RCPT and DATA follow this message's end of data in the
    /// same write (<see cref="Announced"/>); their replies are read by the call that sends it.
    /// </summary>
    /// <exception cref="SmtpCommandException">A reply refused the message (as MailKit throws it).</exception>
    /// <exception cref="AnnouncementLostException">
    /// The message was <see cref="Announced"/>, and the connection ended (or the server said 421) before any of its
    /// commands was answered: the server took nothing of it.
    /// </exception>
    public string SendPrepared(OutgoingMessage message, MailKitMessage wrapper, Action? handOver, OutgoingMessage? next)
    {
        if (Announced is { } announced)
        {
            Announced = null;
            if (!ReferenceEquals(announced, message))
            {
                throw new InvalidOperationException("the announced message must be sent next");   // SmtpTransport abandons it first
            }
            return SendPipelined(GetStream(this)!, message, envelope: null, handOver, next);
        }
        if (CanPipeline && Envelope(message) is { } envelope && !NeedsDotStuffing(message.Data.Span) && GetStream(this) is { } stream)
        {
            return SendPipelined(stream, message, envelope, handOver, next);
        }
        return Send(wrapper.Wrap(message, handOver), message.EnvelopeFrom, [message.Recipient]);
    }

    /// <param name="envelope">MAIL, RCPT and DATA to send first; null when they went out behind the previous message.</param>
    private string SendPipelined(object smtpStream, OutgoingMessage message, string? envelope, Action? handOver, OutgoingMessage? next)
    {
        var stream = (Stream)smtpStream;
        var none = CancellationToken.None;   // timeouts bound every read and write (see IMailSession)
        try
        {
            SmtpResponse mail;
            if (envelope is not null)
            {
                QueueCommand(smtpStream, envelope, none);
                stream.Flush();
                mail = ReadResponse(smtpStream, none);
            }
            else
            {
                try
                {
                    mail = ReadResponse(smtpStream, none);
                }
                catch (Exception e) when (e is SmtpProtocolException
                    || e is IOException { InnerException: not SocketException { SocketErrorCode: SocketError.TimedOut } })
                {
                    // Closed or reset (a silent server is not retried at once: that is the timeout's business).
                    Disconnect(quit: false);
                    throw new AnnouncementLostException(e);
                }
                if (mail.StatusCode == SmtpStatusCode.ServiceNotAvailable)
                {
                    Disconnect(quit: false);
                    throw new AnnouncementLostException(Refused(SmtpErrorCode.SenderNotAccepted, mail, null));
                }
            }
            if (mail.StatusCode == SmtpStatusCode.ServiceNotAvailable)
            {
                throw Refused(SmtpErrorCode.SenderNotAccepted, mail, null);   // 421: the server is closing the connection
            }
            var rcpt = ReadResponse(smtpStream, none);
            var data = ReadResponse(smtpStream, none);
            var refusal = (int)mail.StatusCode is < 200 or >= 300 ? Refused(SmtpErrorCode.SenderNotAccepted, mail, null)
                : (int)rcpt.StatusCode >= 300 ? Refused(SmtpErrorCode.RecipientNotAccepted, rcpt, message.Recipient)
                : data.StatusCode != SmtpStatusCode.StartMailInput ? Refused(SmtpErrorCode.UnexpectedStatusCode, data, null)
                : null;
            if (refusal is not null)
            {
                if (data.StatusCode == SmtpStatusCode.StartMailInput)
                {
                    // A server that took DATA after a refused RCPT waits for a message: an empty one ends it (RFC 2920 §3.1).
                    stream.Write(EndOfData, 0, EndOfData.Length);
                    stream.Flush();
                    ReadResponse(smtpStream, none);
                }
                Reset();   // RSET, as MailKit does after a refused command
                throw refusal;
            }

            WriteData(stream, message.Data, handOver);
            if (next is not null && Envelope(next) is { } following && !NeedsDotStuffing(next.Data.Span))
            {
                // RFC 2920 allows the message content as the first "command" of a group: the next message's MAIL, RCPT
                // and DATA go in the same write, so its replies arrive with this one's.
                QueueCommand(smtpStream, following, none);
                Announced = next;
            }
            stream.Flush();
            var reply = ReadResponse(smtpStream, none);
            if (reply.StatusCode != SmtpStatusCode.Ok)
            {
                // The final reply ends the transaction either way (RFC 5321 §4.1.1.4): no RSET, which would land in the
                // announced message's commands.
                throw Refused(SmtpErrorCode.MessageNotAccepted, reply, null);
            }
            return reply.Response;
        }
        catch (Exception e) when (e is not SmtpCommandException and not AnnouncementLostException)
        {
            // Mid-transaction (a dropped connection, a timeout, a hand-over that failed): the server must never see the
            // end of this message, and nothing else can follow on this connection.
            Announced = null;
            Disconnect(quit: false);
            throw;
        }
    }

    /// <summary>All but the last line, the hand-over, then the rest and the closing dot, unflushed (see <see cref="IMailSession.Send(OutgoingMessage, string, Action?)"/>).</summary>
    private static void WriteData(Stream stream, ReadOnlyMemory<byte> data, Action? handOver)
    {
        if (!MemoryMarshal.TryGetArray(data, out var bytes))
        {
            bytes = data.ToArray();
        }
        var end = data.Span.EndsWith("\r\n"u8) ? EndOfData : CrlfEndOfData;
        if (handOver is null)
        {
            stream.Write(bytes.Array!, bytes.Offset, bytes.Count);
        }
        else
        {
            var tail = Math.Min(bytes.Count, MailKitMessage.TailLength);
            stream.Write(bytes.Array!, bytes.Offset, bytes.Count - tail);
            stream.Flush();    // the server takes in the body while the hand-over waits
            handOver();        // an exception abandons the message mid-DATA
            stream.Write(bytes.Array!, bytes.Offset + bytes.Count - tail, tail);
        }
        stream.Write(end, 0, end.Length);   // flushed by the caller, with the next message's commands if any
    }

    /// <summary>
    /// MAIL, RCPT and DATA as one group, or null when MailKit's own transaction must send the message: an address that
    /// needs SMTPUTF8 or is not plain printable ASCII (MailKit then decides what the server is told).
    /// </summary>
    private string? Envelope(OutgoingMessage message)
    {
        var from = message.EnvelopeFrom.GetAddress(idnEncode: true);
        var to = message.Recipient.GetAddress(idnEncode: true);
        if (!IsPlainAddress(from) || !IsPlainAddress(to))
        {
            return null;
        }
        // SIZE= (RFC 1870) when offered: the exact size is known, so a relay can refuse an oversized message up front.
        var size = (Capabilities & SmtpCapabilities.Size) != 0
            ? string.Create(CultureInfo.InvariantCulture, $" SIZE={message.Data.Length}")
            : "";
        return $"MAIL FROM:<{from}>{size}\r\nRCPT TO:<{to}>\r\nDATA\r\n";
    }

    private static bool IsPlainAddress(string address) =>
        address.AsSpan().IndexOfAnyExceptInRange('!', '~') < 0 && address.AsSpan().IndexOfAny('<', '>') < 0;

    /// <summary>Prepared bytes need no dot-stuffing unless a line starts with '.'; MailKit's path stuffs those.</summary>
    internal static bool NeedsDotStuffing(ReadOnlySpan<byte> data) => data.StartsWith("."u8) || data.IndexOf("\n."u8) >= 0;

    private static SmtpCommandException Refused(SmtpErrorCode code, SmtpResponse response, MailboxAddress? mailbox) =>
        mailbox is null
            ? new SmtpCommandException(code, response.StatusCode, response.Response)
            : new SmtpCommandException(code, response.StatusCode, mailbox, response.Response);

    /// <summary>RSET after a refused MAIL, RCPT or DATA, as MailKit does; a connection that cannot even do that is closed.</summary>
    private void Reset()
    {
        try
        {
            if (SendCommand("RSET\r\n").StatusCode != SmtpStatusCode.Ok)
            {
                Disconnect(quit: false);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or MailKit.ServiceNotConnectedException or OperationCanceledException)
        {
            // MailKit closed the connection already; the next message reconnects.
        }
    }

    private static bool ProbeMailKit()
    {
        var stream = typeof(SmtpClient).Assembly.GetType(SmtpStreamType.Split(',')[0]);
        return stream is not null && typeof(Stream).IsAssignableFrom(stream)
            && typeof(SmtpClient).GetProperty("Stream", BindingFlags.Instance | BindingFlags.NonPublic)?.PropertyType == stream
            && stream.GetMethod("QueueCommand", [typeof(string), typeof(CancellationToken)]) is not null
            && stream.GetMethod("ReadResponse", [typeof(CancellationToken)])?.ReturnType == typeof(SmtpResponse);
    }

    // MailKit keeps its protocol stream internal; .NET 10's accessors reach it without reflection.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Stream")]
    [return: UnsafeAccessorType(SmtpStreamType)]
    private static extern object? GetStream(SmtpClient client);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "QueueCommand")]
    private static extern void QueueCommand([UnsafeAccessorType(SmtpStreamType)] object stream, string command, CancellationToken cancellationToken);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "ReadResponse")]
    private static extern SmtpResponse ReadResponse([UnsafeAccessorType(SmtpStreamType)] object stream, CancellationToken cancellationToken);

    /// <summary>
    /// MailKit would otherwise write every message once just to count its bytes for <c>SIZE=</c>, which is optional
    /// (RFC 1870); we leave it out of its path, except when the server offers CHUNKING, whose BDAT needs the size.
    /// </summary>
    protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        (Capabilities & SmtpCapabilities.Chunking) != 0 ? base.GetSize(options, message, cancellationToken) : -1;

    protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        (Capabilities & SmtpCapabilities.Chunking) != 0 ? base.GetSizeAsync(options, message, cancellationToken) : Task.FromResult(-1L);

    /// <summary>MailKit would prepare (re-encode) the MIME parts, which <see cref="MessageFactory"/> wrote 7-bit already.</summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
    }
}

/// <summary>
/// An announced message (<see cref="BulkSmtpClient.Announced"/>) got no answer to any of its commands: the connection
/// ended, or the server said 421, right after the previous message. Nothing of it was taken; it can go again at once.
/// </summary>
internal sealed class AnnouncementLostException(Exception inner) : Exception($"the connection ended before the server answered: {inner.Message}", inner);
