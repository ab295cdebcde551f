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

    public MimeMessage Wrap(OutgoingMessage outgoing)
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

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Already 7-bit base64 in lines of 76.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            CheckCrlf(options);
            stream.Write(Content.Span);
        }

        public override Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            CheckCrlf(options);
            return stream.WriteAsync(Content, cancellationToken).AsTask();
        }

        private static void CheckCrlf(FormatOptions options)
        {
            if (options.NewLineFormat != NewLineFormat.Dos)
            {
                throw new InvalidOperationException("prepared messages are written with CRLF line ends only, as SMTP does");
            }
        }
    }
}
