using MimeKit;

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

    /// <summary>The message MailKit writes; it shows <see cref="Wrap"/>'s message until the next call.</summary>
    public MimeMessage Message { get; }

    /// <param name="handOver">Awaited before the message's last line is written (see <see cref="IMailSession.SendAsync"/>).</param>
    public MimeMessage Wrap(OutgoingMessage outgoing, Task handOver)
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

    /// <summary>A body without headers of its own that writes the prepared bytes.</summary>
    private sealed class RawBody : MimeEntity
    {
        public RawBody()
            : base(new ContentType("multipart", "alternative"))
        {
            Headers.Clear();   // Content-Type is in the prepared header block
        }

        public ReadOnlyMemory<byte> Content { get; set; }

        public Task HandOver { get; set; } = Task.CompletedTask;

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Already 7-bit base64 in lines of 76.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            CheckCrlf(options);
            HandOver.GetAwaiter().GetResult();
            stream.Write(Content.Span);
        }

        /// <summary>
        /// Sends all but the closing delimiter, then waits for <see cref="HandOver"/>: until it completes the server holds
        /// an unfinished message, which it discards if we die; MailKit writes the final dot after this returns.
        /// </summary>
        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            CheckCrlf(options);
            var tail = Math.Min(Content.Length, TailLength);
            await stream.WriteAsync(Content[..^tail], cancellationToken);
            if (!HandOver.IsCompleted)
            {
                await stream.FlushAsync(cancellationToken);
                await HandOver.WaitAsync(cancellationToken);
            }
            await HandOver;   // a faulted hand-over abandons the message mid-DATA
            await stream.WriteAsync(Content[^tail..], cancellationToken);
        }

        /// <summary>More than the closing delimiter line (<c>--=_nl_…--</c>, 43 octets), so what waits is never a whole message.</summary>
        private const int TailLength = 64;

        private static void CheckCrlf(FormatOptions options)
        {
            if (options.NewLineFormat != NewLineFormat.Dos)
            {
                throw new InvalidOperationException("prepared messages are written with CRLF line ends only, as SMTP does");
            }
        }
    }
}
