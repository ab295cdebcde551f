using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Newsletter.Core.Bounces;

// Reading one message: walking its MIME tree, decoding its parts, deciding what kind of report it is.
public sealed partial class BounceParser
{
    /// <summary>The state of reading one message.</summary>
    private sealed partial class Reader(MimeMessage message, byte[] raw)
    {
        private readonly List<string> _deliveryStatus = [];
        private readonly List<string> _feedbackReports = [];
        private readonly List<HeaderList> _returnedHeaders = [];
        private readonly StringBuilder _text = new();
        private readonly StringBuilder _html = new();
        private int _parts;

        public BounceReport Read()
        {
            Walk(message.Body, 0, insideReturned: false);
            if (_text.Length == 0 && _html.Length == 0 && _deliveryStatus.Count == 0 && _feedbackReports.Count == 0)
            {
                // A broken structure (a multipart with no boundary, a truncated part): read the raw body as text.
                ReadRawBody();
            }
            var text = _text.Length > 0 ? _text.ToString() : HtmlToText(_html.ToString());
            var returned = ReturnedHeaders(text);

            var report = new BounceReport
            {
                Kind = ReportKind.Other,
                MessageId = message.MessageId ?? "",
                Subject = message.Subject ?? "",
                From = message.From.Mailboxes.FirstOrDefault()?.Address?.ToLowerInvariant() ?? "",
                DeliveredTo = DeliveredTo(),
                OriginalMessageId = Unbracket(returned?[HeaderId.MessageId] ?? RegexFieldInText(text, "Message-ID")),
                OriginalCampaign = (returned?["X-Newsletter-Campaign"] ?? RegexFieldInText(text, "X-Newsletter-Campaign")).Trim(),
            };

            if (_feedbackReports.Count > 0 || IsFeedbackReportType() || IsProviderComplaint(returned))
            {
                return Complaint(report, returned, text);
            }
            if (message.Headers["X-Apple-Unsubscribe"]?.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) == true && report.From.Length > 0)
            {
                // Apple Mail's unsubscribe button mails the List-Unsubscribe address: an opt-out by the sender.
                return report with { Kind = ReportKind.Complaint, Recipients = [new ReportRecipient(report.From, "", null, BounceClass.Soft, "opt-out", "")] };
            }
            if (SesNotification.TryRead(text) is { } ses)
            {
                return report with { Kind = ses.Kind, Recipients = ses.Recipients.Take(MaxRecipients).ToList() };
            }

            var dsn = _deliveryStatus.Count > 0 ? DsnRecipients(text) : [];
            if (dsn.Count > 0)
            {
                // A delay notice counts as a soft bounce (as sisimai and most senders count it).
                var failed = dsn.Where(r => r.Failed || r.Delayed).Select(r => r.Recipient).Take(MaxRecipients).ToList();
                if (failed.Count > 0) return report with { Kind = ReportKind.Bounce, Recipients = failed, Note = dsn.All(r => r.Delayed) ? "delay notice" : "" };
                return report with { Note = "delivery success notice" };
            }

            var bounceLike = LooksLikeBounce(text);
            if (!bounceLike && IsAutoReply())
            {
                var from = report.From;
                return report with
                {
                    Kind = ReportKind.AutoReply,
                    Recipients = from.Length > 0 ? [new ReportRecipient(from, "", null, BounceClass.Soft, "vacation", "")] : [],
                };
            }

            if (!bounceLike)
            {
                return report with { Note = "not a bounce: no delivery status, no failure notice" };
            }

            if (LooksLikeSuccess(text))
            {
                return report with { Note = "delivery success notice" };
            }

            var recipients = TextRecipients(text, returned);
            if (recipients.Count == 0)
            {
                return report with { Note = "a failure notice naming no recipient" };
            }
            return report with { Kind = ReportKind.Bounce, Recipients = recipients };
        }

        private void Walk(MimeEntity? entity, int depth, bool insideReturned)
        {
            if (entity is null || depth > MaxDepth || ++_parts > MaxParts) return;
            switch (entity)
            {
                case Multipart multipart:
                    foreach (var child in multipart) Walk(child, depth + 1, insideReturned);
                    break;
                case MessagePart messagePart:
                    if (messagePart.Message is { } inner)
                    {
                        _returnedHeaders.Add(inner.Headers);
                        if (!insideReturned && depth < 3 && IsForwardedReport(inner))
                        {
                            // Some providers forward the whole DSN/ARF as an attachment: read inside it.
                            Walk(inner.Body, depth + 1, insideReturned: false);
                        }
                    }
                    break;
                case MimePart part:
                    ReadPart(part, insideReturned);
                    break;
            }
        }

        private static bool IsForwardedReport(MimeMessage inner) =>
            inner.Body is Multipart { ContentType.MediaSubtype: var sub } m && sub.Equals("report", StringComparison.OrdinalIgnoreCase);

        private void ReadPart(MimePart part, bool insideReturned)
        {
            var type = part.ContentType.MimeType.ToLowerInvariant();
            switch (type)
            {
                case "message/delivery-status" or "message/global-delivery-status":
                    _deliveryStatus.Add(Content(part));
                    return;
                case "message/feedback-report":
                    _feedbackReports.Add(Content(part));
                    return;
                case "text/rfc822-headers" or "message/rfc822-headers" or "message/global-headers":
                    _returnedHeaders.Add(ParseHeaders(Content(part)));
                    return;
            }
            if (insideReturned || part.IsAttachment && !type.StartsWith("text/", StringComparison.Ordinal)) return;
            if (type == "text/plain" || type == "text")
            {
                var content = Content(part);
                // A plain part that is itself a DSN (some MTAs send one with the wrong type).
                if (_deliveryStatus.Count == 0 && content.Contains("Final-Recipient:", StringComparison.OrdinalIgnoreCase) &&
                    StatusField().IsMatch(content) && content.Contains("Action:", StringComparison.OrdinalIgnoreCase))
                {
                    var at = content.IndexOf("Reporting-MTA:", StringComparison.OrdinalIgnoreCase);
                    if (at < 0) at = content.IndexOf("Final-Recipient:", StringComparison.OrdinalIgnoreCase);
                    _deliveryStatus.Add(content[at..]);
                }
                Append(_text, content);
            }
            else if (type == "text/html")
            {
                Append(_html, Content(part));
            }
            else if (type == "message/rfc822" || type == "message/global")
            {
                _returnedHeaders.Add(ParseHeaders(Content(part)));
            }
        }

        private static void Append(StringBuilder sb, string text)
        {
            var room = MaxTextChars - sb.Length;
            if (room <= 0) return;
            sb.Append(text.Length > room ? text[..room] : text).Append('\n');
        }

        private static string Content(MimePart part)
        {
            if (part.Content is null) return "";
            using var decoded = new MemoryStream();
            part.Content.DecodeTo(decoded);
            var bytes = decoded.GetBuffer().AsSpan(0, (int)Math.Min(decoded.Length, MaxTextChars * 4));
            // Decoded here rather than by TextPart.Text: MimeKit decides once per process which code pages exist, and
            // ISO-2022-JP, GBK … must not depend on whether it looked before the code-page provider was registered.
            if (part.ContentType.Charset is { Length: > 0 } charset && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var encoding = Encoding.GetEncoding(charset.Equals("gb2312", StringComparison.OrdinalIgnoreCase) ? "GB18030" : charset);
                    if (encoding.CodePage != Encoding.UTF8.CodePage) return Limit(encoding.GetString(bytes));
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    // Unknown to .NET (or refused, as UTF-7 is): MimeKit's own decoders, else a guess below.
                    if (part is TextPart textPart)
                    {
                        try { return Limit(textPart.Text); }
                        catch (Exception inner) when (inner is ArgumentException or NotSupportedException) { /* guess below */ }
                    }
                }
            }
            return Limit(DecodeText(bytes));
        }

        private static string DecodeText(ReadOnlySpan<byte> bytes)
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return Encoding.GetEncoding("GB18030").GetString(bytes);
            }
        }

        private static string Limit(string text) => text.Length > MaxTextChars ? text[..MaxTextChars] : text;

        private static HeaderList ParseHeaders(string text)
        {
            var headers = new HeaderList();
            foreach (var (name, value) in Fields(text))
            {
                if (name.Length is > 0 and < 80 && value.Length < 4000)
                {
                    try { headers.Add(name, value); }
                    catch (ArgumentException) { /* a field name MimeKit refuses is not a header we need */ }
                }
            }
            return headers;
        }

        private HeaderList? ReturnedHeaders(string text)
        {
            foreach (var h in _returnedHeaders)
            {
                if (h.Contains(HeaderId.MessageId) || h.Contains(HeaderId.To) || h.Contains(HeaderId.From)) return h;
            }
            // Inline copy: the headers quoted after the notice's own words.
            var m = InlineHeaders().Match(text);
            return m.Success ? ParseHeaders(text[m.Index..Math.Min(text.Length, m.Index + 16 * 1024)]) : null;
        }

        private static string RegexFieldInText(string text, string field)
        {
            var m = Regex.Match(text, "^\\s*" + Regex.Escape(field) + ":[ \\t]*(.+)$", RegexOptions.Multiline | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            return m.Success ? m.Groups[1].Value.Trim() : "";
        }

        private IReadOnlyList<string> DeliveredTo()
        {
            var list = new List<string>();
            foreach (var name in new[] { "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To" })
            {
                foreach (var value in message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value))
                {
                    AddAddress(list, value, keepCase: true);
                }
            }
            foreach (var mb in message.To.Mailboxes) AddAddress(list, mb.Address, keepCase: true);
            return list;
        }

        /// <param name="keepCase">Keep the case (envelope addresses: a token in the local part is case-sensitive).</param>
        private static void AddAddress(List<string> list, string? value, bool keepCase = false)
        {
            var a = Unbracket(value ?? "").Trim();
            if (!keepCase) a = a.ToLowerInvariant();
            if (a.Contains('@', StringComparison.Ordinal) && !list.Contains(a, StringComparer.OrdinalIgnoreCase)) list.Add(a);
        }

        private void ReadRawBody()
        {
            var start = IndexOfBlankLine(raw);
            if (start < 0 || start >= raw.Length) return;
            var body = DecodeText(raw.AsSpan(start, Math.Min(raw.Length - start, MaxTextChars)));
            if (body.Contains("Final-Recipient:", StringComparison.OrdinalIgnoreCase) && StatusField().IsMatch(body))
            {
                var at = body.IndexOf("Reporting-MTA:", StringComparison.OrdinalIgnoreCase);
                if (at < 0) at = body.IndexOf("Final-Recipient:", StringComparison.OrdinalIgnoreCase);
                _deliveryStatus.Add(body[at..]);
            }
            Append(_text, body);
        }

        private static int IndexOfBlankLine(byte[] data)
        {
            for (var i = 0; i + 1 < data.Length; i++)
            {
                if (data[i] == '\n' && (data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n')))
                {
                    return i + (data[i + 1] == '\n' ? 2 : 3);
                }
            }
            return -1;
        }

        private static string HtmlToText(string html) =>
            html.Length == 0 ? "" : System.Net.WebUtility.HtmlDecode(HtmlTags().Replace(HtmlBreaks().Replace(html, "\n"), " "));
    }
}
