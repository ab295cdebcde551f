using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Text;
using Newsletter.Core.Composition;

namespace Newsletter.Core.Delivery;

/// <summary>One recipient of one message: the address, the display name and the slot values.</summary>
public sealed record Recipient(string Email, string Name, RecipientValues Values);

/// <summary>
/// Turns a compiled variant and a recipient into the MIME message: multipart/alternative (text + HTML) in UTF-8,
/// RFC 2047 Subject and display names, Message-ID, List-Id, List-Unsubscribe (https + mailto) with one-click
/// POST (RFC 8058), Precedence: bulk. Every recipient-supplied value goes through MimeKit's header encoders
/// after control characters are removed, so no subscriber field can inject a header. With <see cref="DkimOptions"/>
/// enabled every message is DKIM-signed; with <see cref="SenderOptions.VerpReturnPath"/> the envelope sender is per recipient.
/// </summary>
public sealed class MessageFactory
{
    /// <summary>Header naming the campaign a message belongs to (for bounces and support).</summary>
    public const string CampaignHeader = "X-Newsletter-Campaign";

    private readonly MailboxAddress _from;
    private readonly MailboxAddress? _replyTo;
    private readonly string _messageIdDomain;
    private readonly string _unsubscribeMailbox;
    private readonly string _listId;
    private readonly string? _verp;
    private readonly DkimSigner? _signer;

    /// <summary>The headers a DKIM signature covers.</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
        ["From", "Subject", "Date", "Message-ID", "To", "List-Unsubscribe", "List-Unsubscribe-Post"];

    /// <exception cref="ArgumentException">From, Reply-To or the VERP pattern is not valid, or the DKIM key cannot be read.</exception>
    public MessageFactory(SenderOptions options, DkimOptions? dkim = null)
    {
        _from = ParseMailbox(options.From, "Sender:From");
        _replyTo = string.IsNullOrWhiteSpace(options.ReplyTo) ? null : ParseMailbox(options.ReplyTo, "Sender:ReplyTo");
        _messageIdDomain = string.IsNullOrWhiteSpace(options.MessageIdDomain) ? _from.Domain : options.MessageIdDomain.Trim();
        _unsubscribeMailbox = string.IsNullOrWhiteSpace(options.UnsubscribeMailbox) ? "unsubscribe@" + _from.Domain : options.UnsubscribeMailbox.Trim();
        _listId = string.IsNullOrWhiteSpace(options.ListId) ? "bulletin." + _from.Domain : options.ListId.Trim();
        if (!string.IsNullOrWhiteSpace(options.VerpReturnPath))
        {
            _verp = options.VerpReturnPath.Trim();
            if (!_verp.Contains('@', StringComparison.Ordinal) || !_verp.Contains("{local}", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Sender:VerpReturnPath \"{_verp}\" must be an address holding {{local}} and {{domain}}, e.g. bounces+{{local}}={{domain}}@example.org");
            }
        }
        if (dkim is { Enabled: true })
        {
            try
            {
                _signer = new DkimSigner(dkim.KeyFile!, dkim.Domain!.Trim(), dkim.Selector!.Trim(), DkimSignatureAlgorithm.RsaSha256)
                {
                    HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                    BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException
                or NotSupportedException or InvalidCastException)
            {
                throw new ArgumentException($"Dkim:KeyFile \"{dkim.KeyFile}\" is not a readable PEM RSA private key: {e.Message}", e);
            }
        }
    }

    /// <summary>Whether messages are DKIM-signed.</summary>
    public bool Signs => _signer is not null;

    /// <summary>The envelope sender (MAIL FROM) for <paramref name="recipientEmail"/>: the VERP address, or From.</summary>
    public MailboxAddress EnvelopeFrom(string recipientEmail)
    {
        if (_verp is null)
        {
            return _from;
        }
        var at = recipientEmail.LastIndexOf('@');
        var local = at > 0 ? recipientEmail[..at] : recipientEmail;
        var domain = at > 0 ? recipientEmail[(at + 1)..] : "";
        return new MailboxAddress("", _verp.Replace("{local}", Clean(local), StringComparison.Ordinal)
            .Replace("{domain}", Clean(domain), StringComparison.Ordinal));
    }

    /// <summary>The envelope and header sender.</summary>
    public MailboxAddress From => _from;

    /// <summary>A new Message-ID on the configured domain, without angle brackets.</summary>
    public string NewMessageId() => $"{Guid.NewGuid():N}@{_messageIdDomain}";

    /// <summary>Builds the message for <paramref name="recipient"/>.</summary>
    /// <param name="messageId">Without angle brackets; the same id on a re-send lets a duplicate be recognised.</param>
    /// <param name="campaignId">Named in the campaign header; 0 (test sends) writes none.</param>
    /// <param name="subjectPrefix">E.g. <c>[测试]</c> for test sends.</param>
    public MimeMessage Create(ComposedVariant variant, Recipient recipient, string messageId, long campaignId,
        DateTimeOffset date, string? subjectPrefix = null)
    {
        var message = new MimeMessage();
        message.From.Add(_from);
        if (_replyTo is not null)
        {
            message.ReplyTo.Add(_replyTo);
        }
        message.To.Add(new MailboxAddress(Clean(recipient.Name), recipient.Email));
        message.Subject = Clean(subjectPrefix is null ? variant.Subject : subjectPrefix + " " + variant.Subject);
        message.Date = date;
        message.MessageId = messageId;

        var unsubscribeUrl = recipient.Values.UnsubscribeUrl;
        message.Headers.Add("List-Id", $"<{_listId}>");
        message.Headers.Add("List-Unsubscribe",
            $"<{Clean(unsubscribeUrl)}>, <mailto:{_unsubscribeMailbox}?subject=unsubscribe>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Precedence", "bulk");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        if (campaignId > 0)
        {
            message.Headers.Add(CampaignHeader, campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var text = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.Base64 };
        text.SetText("utf-8", variant.Text.Render(recipient.Values, htmlEscape: false));
        var html = new TextPart(TextFormat.Html) { ContentTransferEncoding = ContentEncoding.Base64 };
        html.SetText("utf-8", variant.Html.Render(recipient.Values, htmlEscape: true));
        message.Body = new MultipartAlternative { text, html };
        if (_signer is not null)
        {
            // Fix the transfer encodings first, so a transport cannot re-encode what the signature covers.
            message.Prepare(EncodingConstraint.SevenBit);
            _signer.Sign(message, [.. SignedHeaders]);
        }
        return message;
    }

    /// <summary>Removes control characters (CR, LF, NUL, …) that have no place in a header value.</summary>
    internal static string Clean(string value)
    {
        if (!value.Any(char.IsControl))
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
        throw new ArgumentException($"{setting} \"{value}\" is not a valid e-mail address; write it as \"Name <user@domain>\" or user@domain");
    }
}
