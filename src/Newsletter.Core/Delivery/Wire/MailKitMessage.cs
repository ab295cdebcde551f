using MimeKit;
using MimeKit.IO;

namespace Newsletter.Core.Delivery.Wire;

/// <summary>
/// MailKit sends <see cref="MimeMessage"/>s; this adapter lets it send an <see cref="OutgoingMessage"/>'s bytes as
/// they are, without building a MIME tree or encoding anything again. One instance serves every message of an SMTP
/// session: its only header carries the whole header block as one raw value (the first field's name, then the rest
/// of the block), and its body writes the body bytes. Not thread-safe, like the session that owns it.
/// </summary>
internal sealed class MailKitMessage
{
    private readonly RawBody _body = new();
    private Header? _header;

    public MailKitMessage()
    {
        Message = new MimeMessage();
        Message.Headers.Clear();
        Message.Body = _body;
    }

    /// <summary>
    /// What a hand-over holds back: more than the closing delimiter line (<c>--=_nl_…--</c>, 43 octets), so what waits
    /// is never a whole message.
    /// </summary>
    internal const int TailLength = 64;

    /// <summary>The message MailKit writes; it shows <see cref="Wrap"/>'s message until the next call.</summary>
    public MimeMessage Message { get; }

    /// <param name="handOver">Called before the message's last line is written (see <see cref="IMailSession.Send(OutgoingMessage, string, Action?)"/>).</param>
    public MimeMessage Wrap(OutgoingMessage outgoing, Action? handOver)
    {
        var data = outgoing.Data;
        var block = data.Span[..outgoing.HeaderLength];
        var colon = block.IndexOf((byte)':');
        var field = System.Text.Encoding.ASCII.GetString(block[..colon]);
        if (_header is null || !_header.Field.Equals(field, StringComparison.Ordinal))
        {
            // MessageFactory writes List-Id (or DKIM-Signature) first: fields MimeMessage does not parse into properties.
            Message.Headers.Clear();
            _header = new Header(field, "");
            Message.Headers.Add(_header);
        }
        _header.SetRawValue(block[(colon + 1)..].ToArray());
        _body.Content = data[(outgoing.HeaderLength + 2)..];   // after the empty line, which MimeMessage writes itself
        _body.HandOver = handOver;
        return Message;
    }

    /// <summary>
    /// MailKit writes DATA through a <see cref="FilteredStream"/> that dot-stuffs it, looking at every byte (~60 µs for
    /// 30 KB, the costliest step of a send). Prepared bytes need none: base64 lines, boundaries and folded headers never
    /// start with '.'. When that holds (checked, vectorised) the body goes straight to the filter's target, which is
    /// what the filter would have passed on unchanged; otherwise through the filter.
    /// </summary>
    internal static Stream PastDotStuffing(Stream stream, ReadOnlySpan<byte> body) =>
        stream is FilteredStream filtered && !BulkSmtpClient.NeedsDotStuffing(body) ? filtered.Source : stream;

    /// <summary>A body without headers of its own that writes the prepared bytes.</summary>
    private sealed class RawBody : MimeEntity
    {
        public RawBody()
            : base(new ContentType("multipart", "alternative"))
        {
            Headers.Clear();   // Content-Type is in the prepared header block
        }

        public ReadOnlyMemory<byte> Content { get; set; }

        public Action? HandOver { get; set; }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Already 7-bit base64 in lines of 76.
        }

        /// <summary>
        /// Sends all but the closing delimiter, then calls <see cref="HandOver"/>: until it returns the server holds an
        /// unfinished message, which it discards if we die; MailKit writes the final dot after this returns.
        /// </summary>
        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            CheckCrlf(options);
            stream = PastDotStuffing(stream, Content.Span);
            if (HandOver is null)
            {
                stream.Write(Content.Span);
                return;
            }
            var tail = Math.Min(Content.Length, TailLength);
            stream.Write(Content.Span[..^tail]);
            stream.Flush();       // the server takes in the body while the hand-over waits
            HandOver();           // an exception abandons the message mid-DATA
            stream.Write(Content.Span[^tail..]);
        }

        public override Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("sessions send synchronously (see IMailTransport)");

        private static void CheckCrlf(FormatOptions options)
        {
            if (options.NewLineFormat != NewLineFormat.Dos)
            {
                throw new InvalidOperationException("prepared messages are written with CRLF line ends only, as SMTP does");
            }
        }
    }
}
