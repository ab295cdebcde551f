using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery.Wire;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Delivery;

/// <summary>One recipient of one message: the address, the display name and the slot values.</summary>
public sealed record Recipient(string Email, string Name, RecipientValues Values);

/// <summary>
/// Turns a compiled variant and a recipient into the bytes of the message: multipart/alternative (text + HTML) in
/// UTF-8 base64, RFC 2047 Subject and display names, Message-ID, List-Id, List-Unsubscribe (https + mailto) with
/// one-click POST (RFC 8058), Precedence: bulk. Addresses and encoded words are formatted by MimeKit, from values
/// whose control characters were removed, so no subscriber field can inject a header. With <see cref="DkimOptions"/>
/// enabled every message is DKIM-signed; with <see cref="SenderOptions.VerpReturnPath"/> the envelope sender is per recipient.
/// </summary>
/// <remarks>
/// Principle 2, compile once and personalise cheaply: what is the same for every message of a variant (From,
/// Reply-To, the encoded Subject, the part headers, the literal text in UTF-8) is encoded once; a message costs its
/// To, Date, Message-ID and unsubscribe headers, the slot values and one base64 pass, into a pooled buffer.
/// </remarks>
public sealed class MessageFactory
{
    /// <summary>Header naming the campaign a message belongs to (for bounces and support).</summary>
    public const string CampaignHeader = "X-Newsletter-Campaign";

    /// <summary>The headers a DKIM signature covers, in the order of <c>h=</c>: every instance present (an absent one is left out).</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "Reply-To", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
        "Feedback-ID", "MIME-Version", "Content-Type",
    ];

    /// <summary>
    /// Of <see cref="SignedHeaders"/>, those signed once more than present (over-signed): a second From, Subject or
    /// List-Unsubscribe(-Post) added in transit breaks the signature instead of being shown to the reader.
    /// </summary>
    public static readonly IReadOnlyList<string> OverSignedHeaders = ["From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private static readonly FormatOptions Crlf = CrlfOptions();

    private readonly MailboxAddress _from;
    private readonly string _messageIdDomain;
    private readonly string _unsubscribeMailbox;
    private readonly string? _verp;
    private readonly Bounces.VerpAddresses? _verpTokens;   // issue 17: {token} return paths name the outbox row
    private readonly DkimSigner? _signer;
    private readonly string _boundary = "=_nl_" + Guid.NewGuid().ToString("N");   // '=' and '_' never occur in base64 lines
    private readonly byte[] _listHeaders;     // List-Id first: transports rely on the first field being one MimeKit does not interpret
    private readonly byte[] _fromHeaders;     // From, Reply-To
    private readonly byte[] _bodyHeaders;     // MIME-Version, Content-Type
    private readonly byte[] _textPartHeader;
    private readonly byte[] _htmlPartHeader;
    private readonly byte[] _closeDelimiter;
    private readonly Lock _subjectsLock = new();
    private readonly Dictionary<string, byte[]> _subjects = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">From, Reply-To or the VERP pattern is not valid, or the DKIM key cannot be read.</exception>
    /// <param name="verpTokens">Makes <c>{token}</c> return paths (issue 17); required when the pattern holds <c>{token}</c>.</param>
    public MessageFactory(SenderOptions options, DkimOptions? dkim = null, Bounces.VerpAddresses? verpTokens = null)
    {
        _from = ParseMailbox(options.From, "Sender:From");
        // Replies go to From when no Reply-To is set: the editor's note invites them (doctor says when it is unset).
        var replyTo = string.IsNullOrWhiteSpace(options.ReplyTo) ? _from : ParseMailbox(options.ReplyTo, "Sender:ReplyTo");
        _messageIdDomain = string.IsNullOrWhiteSpace(options.MessageIdDomain) ? _from.Domain : options.MessageIdDomain.Trim();
        _unsubscribeMailbox = string.IsNullOrWhiteSpace(options.UnsubscribeMailbox) ? "unsubscribe@" + _from.Domain : options.UnsubscribeMailbox.Trim();
        var listId = string.IsNullOrWhiteSpace(options.ListId) ? "bulletin." + _from.Domain : options.ListId.Trim();
        if (!string.IsNullOrWhiteSpace(options.VerpReturnPath))
        {
            _verp = options.VerpReturnPath.Trim();
            var tokenPattern = _verp.Contains("{token}", StringComparison.Ordinal);
            if (!_verp.Contains('@', StringComparison.Ordinal) || !(_verp.Contains("{local}", StringComparison.Ordinal) || tokenPattern))
            {
                throw new ArgumentException(Texts.Format("core.verp.pattern", _verp));
            }
            _verpTokens = tokenPattern ? verpTokens ?? throw new ArgumentException(Texts.Format("core.verp.needs_secret", _verp)) : null;
        }
        if (dkim is { Enabled: true })
        {
            _signer = DkimSigner.Load(dkim, SignedHeaders, OverSignedHeaders);
        }
        else if (dkim is not null && (!string.IsNullOrWhiteSpace(dkim.Ed25519KeyFile) || !string.IsNullOrWhiteSpace(dkim.Ed25519Selector)))
        {
            // RFC 8463: many receivers do not know Ed25519 yet; signed with it alone the bulletin would look unsigned to them.
            throw new ArgumentException(Texts.Get("core.dkim.ed25519_needs_rsa"));
        }

        _listHeaders = Ascii($"List-Id: <{Clean(listId)}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nPrecedence: bulk\r\nAuto-Submitted: auto-generated\r\n");
        _fromHeaders = Ascii($"From: {Address(_from)}\r\nReply-To: {Address(replyTo)}\r\n");
        _bodyHeaders = Ascii($"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{_boundary}\"\r\n");
        _textPartHeader = PartHeader("text/plain");
        _htmlPartHeader = PartHeader("text/html");
        _closeDelimiter = Ascii($"--{_boundary}--\r\n");
    }

    /// <summary>Whether messages are DKIM-signed.</summary>
    public bool Signs => _signer is not null;

    /// <summary>The DKIM algorithms of each message's signatures, top first (<c>rsa-sha256</c>, then <c>ed25519-sha256</c> when configured).</summary>
    public IReadOnlyList<string> SignatureAlgorithms => _signer?.Algorithms ?? [];

    /// <summary>The header sender.</summary>
    public MailboxAddress From => _from;

    /// <summary>The envelope sender (MAIL FROM) for <paramref name="recipientEmail"/>: the VERP address, or From.</summary>
    public MailboxAddress EnvelopeFrom(string recipientEmail, long outboxId = 0)
    {
        if (_verp is null)
        {
            return _from;
        }
        if (_verpTokens is not null)
        {
            return outboxId > 0 ? new MailboxAddress("", _verpTokens.Create(outboxId)) : _from;
        }
        var at = recipientEmail.LastIndexOf('@');
        var local = at > 0 ? recipientEmail[..at] : recipientEmail;
        var domain = at > 0 ? recipientEmail[(at + 1)..] : "";
        return new MailboxAddress("", _verp.Replace("{local}", Clean(local), StringComparison.Ordinal)
            .Replace("{domain}", Clean(domain), StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 17: the mailto address carries the subscriber's unsubscribe token (the last segment of the signed URL),
    /// <c>unsubscribe+&lt;token&gt;@domain</c>, so a mailed unsubscribe names whom it is for (checked like <c>/u/{token}</c>).
    /// </summary>
    private string UnsubscribeMailto(string unsubscribeUrl)
    {
        var token = unsubscribeUrl[(unsubscribeUrl.LastIndexOf('/') + 1)..];
        var at = _unsubscribeMailbox.LastIndexOf('@');
        var tokenOk = token.Length is >= 16 and <= 50 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        return tokenOk && at > 0 && at + token.Length < 64 ? $"{_unsubscribeMailbox[..at]}+{token}{_unsubscribeMailbox[at..]}" : _unsubscribeMailbox;
    }

    /// <summary>A new Message-ID on the configured domain, without angle brackets.</summary>
    public string NewMessageId() => $"{Guid.NewGuid():N}@{_messageIdDomain}";

    /// <summary>Builds the message for <paramref name="recipient"/>.</summary>
    /// <param name="messageId">Without angle brackets; the same id on a re-send lets a duplicate be recognised.</param>
    /// <param name="campaignId">Named in the campaign header; 0 (test sends) writes none.</param>
    /// <param name="subjectPrefix">E.g. <c>[测试]</c> for test sends.</param>
    /// <param name="outboxId">The outbox row, named in a <c>{token}</c> VERP return path; 0 (test sends) uses From.</param>
    public OutgoingMessage Create(ComposedVariant variant, Recipient recipient, string messageId, long campaignId,
        DateTimeOffset date, string? subjectPrefix = null, long outboxId = 0)
    {
        var to = new MailboxAddress(Clean(recipient.Name), recipient.Email);
        var text = variant.Text;
        var html = variant.Html;
        var output = new PooledBufferWriter((text.Utf8Length + html.Utf8Length) * 140 / 100 + 4096);
        try
        {
            int headerLength;
            if (_signer is null)
            {
                WriteHeaders(output, variant, recipient, to, messageId, campaignId, date, subjectPrefix);
                headerLength = output.WrittenCount;
                output.Write("\r\n"u8);
                WriteBody(variant, recipient.Values, output);
            }
            else
            {
                // The body first: the DKIM signature, which goes first, needs the body's hash.
                using var body = new PooledBufferWriter((text.Utf8Length + html.Utf8Length) * 140 / 100 + 2048);
                WriteBody(variant, recipient.Values, body);
                using var headers = new PooledBufferWriter(2048);
                WriteHeaders(headers, variant, recipient, to, messageId, campaignId, date, subjectPrefix);
                _signer.Sign(headers.WrittenSpan, body.WrittenSpan, date, output);
                output.Write(headers.WrittenSpan);
                headerLength = output.WrittenCount;
                output.Write("\r\n"u8);
                output.Write(body.WrittenSpan);
            }
            return new OutgoingMessage(output, headerLength, EnvelopeFrom(recipient.Email, outboxId), to, messageId);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private void WriteHeaders(PooledBufferWriter headers, ComposedVariant variant, Recipient recipient, MailboxAddress to, string messageId,
        long campaignId, DateTimeOffset date, string? subjectPrefix)
    {
        headers.Write(_listHeaders);
        WriteAscii(headers, $"List-Unsubscribe: <{Clean(recipient.Values.UnsubscribeUrl)}>, <mailto:{UnsubscribeMailto(recipient.Values.UnsubscribeUrl)}?subject=unsubscribe>\r\n");
        if (campaignId > 0)
        {
            WriteAscii(headers, $"{CampaignHeader}: {campaignId.ToString(CultureInfo.InvariantCulture)}\r\n");
        }
        headers.Write(_fromHeaders);
        WriteAscii(headers, $"To: {Address(to)}\r\n");
        headers.Write(Subject(subjectPrefix is null ? variant.Subject : subjectPrefix + " " + variant.Subject));
        WriteAscii(headers, $"Date: {DateUtils.FormatDate(date)}\r\nMessage-ID: <{Clean(messageId)}>\r\n");
        headers.Write(_bodyHeaders);
    }

    /// <summary>multipart/alternative: the text part, then the HTML part, each UTF-8 in base64 lines of 76.</summary>
    private void WriteBody(ComposedVariant variant, RecipientValues values, PooledBufferWriter output)
    {
        using var utf8 = new PooledBufferWriter(Math.Max(variant.Text.Utf8Length, variant.Html.Utf8Length) + 1024);
        output.Write(_textPartHeader);
        variant.Text.WriteUtf8(values, htmlEscape: false, utf8);
        WriteBase64Lines(utf8.WrittenSpan, output);
        output.Write(_htmlPartHeader);
        utf8.Clear();
        variant.Html.WriteUtf8(values, htmlEscape: true, utf8);
        WriteBase64Lines(utf8.WrittenSpan, output);
        output.Write(_closeDelimiter);
    }

    internal static void WriteBase64Lines(ReadOnlySpan<byte> data, PooledBufferWriter output)
    {
        const int BytesPerLine = 57;   // 76 characters, the most RFC 2045 allows
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(BytesPerLine, data.Length)];
            var line = output.GetSpan(80);
            Base64.EncodeToUtf8(chunk, line, out _, out var written);
            line[written] = (byte)'\r';
            line[written + 1] = (byte)'\n';
            output.Advance(written + 2);
            data = data[chunk.Length..];
        }
    }

    /// <summary>The encoded, folded Subject header; a campaign has one or two subjects, so each is encoded once.</summary>
    private byte[] Subject(string subject)
    {
        lock (_subjectsLock)
        {
            if (!_subjects.TryGetValue(subject, out var header))
            {
                var raw = Encoding.ASCII.GetString(new Header(Encoding.UTF8, HeaderId.Subject, Clean(subject)).RawValue);
                header = Ascii("Subject:" + raw.ReplaceLineEndings("\r\n"));
                if (_subjects.Count < 64)
                {
                    _subjects[subject] = header;
                }
            }
            return header;
        }
    }

    /// <summary>A mailbox as MimeKit formats it in a header: RFC 2047 name, quoted where needed, folded with CRLF.</summary>
    private static string Address(MailboxAddress mailbox) => new InternetAddressList { mailbox }.ToString(Crlf, encode: true);

    private byte[] PartHeader(string mimeType) =>
        Ascii($"--{_boundary}\r\nContent-Type: {mimeType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");

    private static void WriteAscii(PooledBufferWriter output, string value)
    {
        if (!System.Text.Ascii.IsValid(value))
        {
            // Only a non-ASCII local part gets here (names are RFC 2047 encoded, domains punycode): that needs SMTPUTF8.
            throw new ArgumentException($"header value \"{value.Trim()}\" is not ASCII; addresses with a non-ASCII local part cannot be sent");
        }
        var span = output.GetSpan(value.Length);
        output.Advance(Encoding.ASCII.GetBytes(value, span));
    }

    private static byte[] Ascii(string value) => Encoding.ASCII.GetBytes(value);

    private static FormatOptions CrlfOptions()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }

    /// <summary>Removes control characters (CR, LF, NUL, …) that have no place in a header value.</summary>
    internal static string Clean(string value)
    {
        // char.IsControl is true for exactly these two ranges (Unicode category Cc).
        if (value.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') < 0 && value.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') < 0)
        {
            return value;
        }
        return new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
    }

    private static MailboxAddress ParseMailbox(string value, string setting)
    {
        if (MailboxAddress.TryParse(value.Trim(), out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal))
        {
            return mailbox;
        }
        throw new ArgumentException(Texts.Format("core.sender.bad_address", setting, value));
    }
}
