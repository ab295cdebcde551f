using MimeKit;
using Newsletter.Core.Delivery.Wire;

namespace Newsletter.Core.Delivery;

/// <summary>
/// One finished message for one recipient: the bytes every transport writes as they are (header block, empty line,
/// body; CRLF line ends; 7-bit), and its envelope. Built by <see cref="MessageFactory"/>; the bytes live in a pooled
/// buffer that <see cref="Dispose"/> returns, so a message must not be used after it is disposed.
/// </summary>
public sealed class OutgoingMessage : IDisposable
{
    private readonly PooledBufferWriter _buffer;

    internal OutgoingMessage(PooledBufferWriter buffer, int headerLength, MailboxAddress envelopeFrom, MailboxAddress recipient, string messageId)
    {
        _buffer = buffer;
        HeaderLength = headerLength;
        EnvelopeFrom = envelopeFrom;
        Recipient = recipient;
        MessageId = messageId;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlyMemory<byte> Data => _buffer.WrittenMemory;

    /// <summary>The length of the header block, including its final CRLF but not the empty line after it.</summary>
    public int HeaderLength { get; }

    /// <summary>The envelope sender (MAIL FROM): From, or the recipient's VERP address.</summary>
    public MailboxAddress EnvelopeFrom { get; }

    /// <summary>The only recipient (RCPT TO and the To header).</summary>
    public MailboxAddress Recipient { get; }

    /// <summary>The Message-ID, without angle brackets.</summary>
    public string MessageId { get; }

    /// <summary>Parses the bytes with MimeKit: for inspection and tests, not for sending.</summary>
    public MimeMessage Parse()
    {
        using var stream = new MemoryStream(Data.ToArray());
        return MimeMessage.Load(stream);
    }

    public void Dispose() => _buffer.Dispose();
}
