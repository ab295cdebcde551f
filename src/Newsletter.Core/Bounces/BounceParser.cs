using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Newsletter.Core.Bounces;

/// <summary>
/// Reads a returned message: an RFC 3464 DSN (<c>message/delivery-status</c> or <c>message/global-delivery-status</c>),
/// an RFC 5965 ARF complaint, an RFC 3834 auto-reply, or an MTA's own failure notice (Postfix, Sendmail, Exim, qmail,
/// Exchange, Gmail, Yahoo, SES, Tencent Exmail, Coremail …) read from its status codes, diagnostic text and returned
/// headers. Never throws on input: a malformed, truncated, huge or binary message is <see cref="ReportKind.Other"/> with
/// a reason. Thread-safe and stateless.
/// </summary>
public sealed partial class BounceParser
{
    /// <summary>Messages larger than this are not read (a report is a few kilobytes; the returned copy may be larger).</summary>
    public const int MaxMessageBytes = 8 * 1024 * 1024;

    private const int MaxParts = 200;
    private const int MaxDepth = 16;
    private const int MaxTextChars = 256 * 1024;
    private const int MaxRecipients = 500;
    private const int MaxDiagnosticChars = 400;

    static BounceParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads at most <see cref="MaxMessageBytes"/> (+1 to tell) from <paramref name="stream"/> and parses it.</summary>
    public BounceReport Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxMessageBytes)
                {
                    return BounceReport.OtherBecause($"larger than {MaxMessageBytes / (1024 * 1024)} MB; not read");
                }
            }
        }
        catch (IOException e)
        {
            return BounceReport.OtherBecause("could not be read: " + e.Message);
        }
        return Parse(buffer.ToArray());
    }

    /// <summary>Parses one message given as its raw bytes.</summary>
    public BounceReport Parse(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0) return BounceReport.OtherBecause("empty file");
        if (data.Length > MaxMessageBytes) return BounceReport.OtherBecause($"larger than {MaxMessageBytes / (1024 * 1024)} MB; not read");
        if (LooksBinary(data)) return BounceReport.OtherBecause("binary data, not a mail message");

        MimeMessage message;
        try
        {
            message = MimeMessage.Load(new MemoryStream(data, writable: false));
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or IOException)
        {
            return BounceReport.OtherBecause("not a mail message: " + e.Message);
        }
        if (message.Headers.Count == 0 || (message.From.Count == 0 && message.Subject is null && message.Headers[HeaderId.ContentType] is null))
        {
            return BounceReport.OtherBecause("not a mail message: no From, Subject or Content-Type header");
        }

        try
        {
            return new Reader(message, data).Read();
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or InvalidOperationException
                                      or DecoderFallbackException or NotSupportedException or IOException or RegexMatchTimeoutException)
        {
            // A structure the reader did not foresee: report it, never stop the pass.
            return BounceReport.OtherBecause("could not be read: " + e.Message);
        }
    }

    private static bool LooksBinary(byte[] data)
    {
        var n = Math.Min(data.Length, 64 * 1024);
        var controls = 0;
        for (var i = 0; i < n; i++)
        {
            var b = data[i];
            if (b == 0) return true;
            if (b < 9 || (b > 13 && b < 32 && b != 27)) controls++;
        }
        return controls > n / 100 + 8;
    }

    /// <summary>The state of reading one message.</summary>
    private sealed class Reader(MimeMessage message, byte[] raw)
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

        // ---------- ARF ----------

        private bool IsFeedbackReportType() =>
            message.Body is MultipartReport { ReportType: var t } && string.Equals(t, "feedback-report", StringComparison.OrdinalIgnoreCase);

        private BounceReport Complaint(BounceReport report, HeaderList? returned, string text)
        {
            var fields = _feedbackReports.SelectMany(Fields).ToList();
            string Field(string name) => fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
            var feedbackType = Field("Feedback-Type").Trim().ToLowerInvariant();
            if (feedbackType.Length == 0) feedbackType = "abuse";

            var addresses = new List<string>();
            foreach (var f in fields.Where(f => f.Name.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase) ||
                                                f.Name.Equals("Removal-Recipient", StringComparison.OrdinalIgnoreCase)))
            {
                AddAddress(addresses, StripType(f.Value));
            }
            if (addresses.Count == 0 && returned is not null)
            {
                foreach (var name in new[] { "X-HmXmrOriginalRecipient", "To" })
                {
                    if (returned[name] is { } v)
                    {
                        foreach (var a in AddressesIn(v)) AddAddress(addresses, a);
                        if (addresses.Count > 0) break;
                    }
                }
            }
            if (addresses.Count == 0)
            {
                foreach (var a in AddressesIn(RegexFieldInText(text, "To"))) AddAddress(addresses, a);
            }
            var recipients = addresses.Take(MaxRecipients)
                .Select(a => new ReportRecipient(a, "", null, BounceClass.Soft, feedbackType, "")).ToList();
            return report with
            {
                Kind = ReportKind.Complaint,
                Recipients = recipients,
                Note = recipients.Count == 0 ? "a complaint naming no recipient" : "",
            };
        }

        // ---------- RFC 3464 ----------

        private sealed record DsnRecipient(ReportRecipient Recipient, bool Failed, bool Delayed);

        private List<DsnRecipient> DsnRecipients(string text)
        {
            var result = new List<DsnRecipient>();
            foreach (var block in _deliveryStatus)
            {
                foreach (var group in Groups(block))
                {
                    string Field(string name) => group.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
                    var final = StripType(Field("Final-Recipient"));
                    var original = StripType(Field("Original-Recipient"));
                    var address = FirstAddress(original) ?? FirstAddress(final);
                    if (address is null) continue;

                    var action = Field("Action").Trim().ToLowerInvariant();
                    var status = StatusIn(Field("Status")) ?? "";
                    var diagnostic = Clean(StripType(Field("Diagnostic-Code")));
                    var smtp = SmtpCodeIn(diagnostic);
                    // "Status: 5.0.0" with "550 5.1.1 user unknown" in the diagnostic: the diagnostic is more precise.
                    var diagStatus = StatusIn(diagnostic);
                    if (diagStatus is not null && (status.Length == 0 || status.EndsWith(".0.0", StringComparison.Ordinal)) && diagStatus[0] == (status.Length > 0 ? status[0] : diagStatus[0]))
                    {
                        status = diagStatus;
                    }
                    if (action.Length == 0)
                    {
                        action = status.StartsWith('2') ? "delivered" : status.StartsWith('4') ? "delayed" : "failed";
                    }
                    if (action.StartsWith("deliver", StringComparison.Ordinal) || action is "relayed" or "expanded")
                    {
                        result.Add(new DsnRecipient(new ReportRecipient(address, status, smtp, BounceClass.Soft, "delivered", diagnostic), false, false));
                        continue;
                    }
                    var delayed = action.StartsWith("delay", StringComparison.Ordinal);
                    var head = CutAtReturnedCopy(text);
                    var around = Around(head, address) + (AfterData(head, address) ? "\nafter DATA" : "");
                    var words = diagnostic.Length > 0 ? diagnostic : around;
                    var (reason, cls) = BounceReasons.Classify(status, smtp, diagnostic.Length > 0 ? diagnostic + "\n" + Paragraph(around) : around);
                    if (delayed) cls = BounceClass.Soft;
                    var recipient = new ReportRecipient(address, status, smtp, cls, reason, Trim(words));
                    result.Add(new DsnRecipient(recipient, !delayed, delayed));
                }
            }
            // One entry per address: a DSN may list the same recipient twice (original and final).
            return result.GroupBy(r => r.Recipient.Address).Select(g => g.First()).ToList();
        }

        private static IEnumerable<List<(string Name, string Value)>> Groups(string block)
        {
            var normalized = block.Replace("\r\n", "\n", StringComparison.Ordinal);
            foreach (var chunk in BlankLines().Split(normalized))
            {
                var fields = Fields(chunk).ToList();
                if (fields.Count > 0) yield return fields;
            }
        }

        // ---------- auto-replies ----------

        private bool IsAutoReply()
        {
            var auto = message.Headers["Auto-Submitted"]?.Trim().ToLowerInvariant() ?? "";
            if (auto.StartsWith("auto-replied", StringComparison.Ordinal)) return true;
            if (message.Headers["X-Autoreply"] is not null || message.Headers["X-Autorespond"] is not null ||
                message.Headers["X-Autoresponder"] is not null || message.Headers["X-Mail-Autoreply"] is not null) return true;
            var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
            if (precedence == "auto_reply") return true;
            var subject = (message.Subject ?? "").TrimStart().ToLowerInvariant();
            return AutoReplySubject().IsMatch(subject);
        }

        // ---------- non-standard notices ----------

        private bool LooksLikeBounce(string text)
        {
            if (message.Headers["X-Failed-Recipients"] is not null) return true;
            if (message.Body is MultipartReport) return true;
            var from = message.From.Mailboxes.FirstOrDefault();
            var fromText = ((from?.Address ?? "") + " " + (from?.Name ?? "")).ToLowerInvariant();
            if (DaemonSender().IsMatch(fromText)) return true;
            var subject = message.Subject ?? "";
            if (BounceSubject().IsMatch(subject)) return true;
            // A notice with no telling From or Subject still says so in its first lines.
            var head = text.Length > 3000 ? text[..3000] : text;
            return BounceBody().IsMatch(head);
        }

        private bool LooksLikeSuccess(string text)
        {
            var subject = message.Subject ?? "";
            return SuccessSubject().IsMatch(subject) && !FailureWords().IsMatch(text);
        }

        private List<ReportRecipient> TextRecipients(string text, HeaderList? returned)
        {
            var head = CutAtReturnedCopy(text);
            var excluded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var mb in message.From.Mailboxes)
            {
                if (mb.Address is { } a) excluded.Add(a);
            }
            // The notice's own recipients (our return path) are candidates only when nobody else is named.
            var ours = new HashSet<string>(DeliveredTo(), StringComparer.OrdinalIgnoreCase);
            if (returned?[HeaderId.From] is { } rf) foreach (var a in AddressesIn(rf)) excluded.Add(a);
            if (returned?[HeaderId.Sender] is { } rs) foreach (var a in AddressesIn(rs)) excluded.Add(a);
            if (returned?[HeaderId.ReturnPath] is { } rp) foreach (var a in AddressesIn(rp)) excluded.Add(a);

            var addresses = new List<string>();
            var toCandidates = new List<string>();
            var failedHeader = string.Join(",", message.Headers.Where(h => h.Field.Equals("X-Failed-Recipients", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
            foreach (var a in AddressesIn(failedHeader)) AddAddress(addresses, a);
            if (addresses.Count == 0)
            {
                foreach (Match m in AddressPattern().Matches(head))
                {
                    var a = m.Groups["a"].Value.TrimEnd('.');
                    if (excluded.Contains(a) || IsServiceAddress(a) || IsInMessageId(head, m.Index)) continue;
                    AddAddress(ours.Contains(a) ? toCandidates : addresses, a);
                    if (addresses.Count >= MaxRecipients) break;
                }
            }
            if (addresses.Count == 0) addresses.AddRange(toCandidates);
            if (addresses.Count == 0 && returned?[HeaderId.To] is { } rt)
            {
                // The notice names nobody: the returned copy's To is whom it was for (one recipient only).
                var to = AddressesIn(rt).ToList();
                if (to.Count == 1) AddAddress(addresses, to[0]);
            }

            var result = new List<ReportRecipient>();
            foreach (var a in addresses)
            {
                var words = addresses.Count == 1 ? head : Around(head, a, addresses);
                if (words.Length == 0) words = head;
                if (AfterData(head, a)) words += "\nafter DATA";
                var status = FailureStatusIn(words) ?? "";
                var smtp = SmtpCodeIn(words, preferFailure: true);
                var (reason, cls) = BounceReasons.Classify(status, smtp, words);
                result.Add(new ReportRecipient(a, status, smtp, cls, reason, Trim(DiagnosticLine(words, status, smtp))));
            }
            // Of several addresses, those with no failure said about them are quoted headers (To:, Cc:), not failures.
            var said = result.Where(r => r.Status.Length > 0 || r.SmtpCode is not null || r.Reason != "onhold").ToList();
            return said.Count > 0 && said.Count < result.Count ? said : result;
        }

        /// <summary>Whether a session transcript shows the refusal for <paramref name="address"/> came in reply to DATA.</summary>
        private static bool AfterData(string head, string address)
        {
            var at = head.IndexOf(">>> DATA", StringComparison.OrdinalIgnoreCase);
            while (at >= 0)
            {
                var next = head.IndexOf('\n', at);
                var lineEnd = next < 0 ? -1 : head.IndexOf('\n', next + 1);
                if (next > 0)
                {
                    var reply = lineEnd > 0 ? head[next..lineEnd] : head[next..];
                    if (reply.TrimStart().StartsWith("<<< 5", StringComparison.Ordinal) &&
                        (reply.Contains(address, StringComparison.OrdinalIgnoreCase) || head.IndexOf(address, StringComparison.OrdinalIgnoreCase) < at))
                    {
                        return true;
                    }
                }
                at = head.IndexOf(">>> DATA", at + 8, StringComparison.OrdinalIgnoreCase);
            }
            return false;
        }

        private static string Paragraph(string text)
        {
            var end = text.IndexOf("\n\n", StringComparison.Ordinal);
            var p = end > 0 ? text[..end] : text;
            return p.Length > 600 ? p[..600] : p;
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

        /// <summary>Microsoft's JMRP (Hotmail/Outlook.com) and similar: the complained-of copy with the recipient in a header.</summary>
        private bool IsProviderComplaint(HeaderList? returned) =>
            returned?["X-HmXmrOriginalRecipient"] is not null ||
            (message.Subject ?? "").TrimStart().StartsWith("complaint about message from", StringComparison.OrdinalIgnoreCase);

        private static bool IsServiceAddress(string address)
        {
            var local = address[..address.IndexOf('@')].ToLowerInvariant();
            return local is "mailer-daemon" or "postmaster" or "abuse" or "root" or "noreply" or "no-reply" or "donotreply" or "nobody"
                or "hostmaster" or "webmaster" or "support" or "help" or "mail-daemon" or "bounce" or "bounces"
                || local.StartsWith("mailer-daemon", StringComparison.Ordinal) || local.StartsWith("postmaster", StringComparison.Ordinal);
        }

        private static bool IsInMessageId(string text, int index)
        {
            var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
            var line = text[lineStart..index].TrimStart().ToLowerInvariant();
            return line.StartsWith("message-id", StringComparison.Ordinal) || line.StartsWith("in-reply-to", StringComparison.Ordinal)
                || line.StartsWith("references", StringComparison.Ordinal) || line.StartsWith("from:", StringComparison.Ordinal)
                || line.StartsWith("reply-to", StringComparison.Ordinal) || line.StartsWith("sender:", StringComparison.Ordinal)
                || line.StartsWith("return-path", StringComparison.Ordinal) || line.Contains("mail from:", StringComparison.Ordinal)
                || line.StartsWith("envelope-from", StringComparison.Ordinal);
        }

        private static string CutAtReturnedCopy(string text)
        {
            var m = ReturnedCopyMarker().Match(text);
            var head = m.Success && m.Index > 0 ? text[..m.Index] : text;
            var h = InlineHeaders().Match(head);
            if (h.Success && h.Index > 0) head = head[..h.Index];
            return head.Length > 64 * 1024 ? head[..(64 * 1024)] : head;
        }

        /// <summary>The words about <paramref name="address"/>: from its first mention to the next other recipient's.</summary>
        private static string Around(string text, string address, IReadOnlyList<string>? others = null)
        {
            var at = text.IndexOf(address, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return "";
            var end = Math.Min(text.Length, at + 1500);
            if (others is not null)
            {
                foreach (var o in others)
                {
                    if (o.Equals(address, StringComparison.OrdinalIgnoreCase)) continue;
                    var next = text.IndexOf(o, at + address.Length, StringComparison.OrdinalIgnoreCase);
                    if (next > at && next < end) end = next;
                }
            }
            return text[at..end];
        }

        private static string DiagnosticLine(string words, string status, int? smtp)
        {
            var key = status.Length > 0 ? status : smtp?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (key is not null)
            {
                var at = words.IndexOf(key, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var start = words.LastIndexOf('\n', at) + 1;
                    return Clean(words[start..Math.Min(words.Length, start + MaxDiagnosticChars)]);
                }
            }
            return Clean(words);
        }

        private static string HtmlToText(string html) =>
            html.Length == 0 ? "" : System.Net.WebUtility.HtmlDecode(HtmlTags().Replace(HtmlBreaks().Replace(html, "\n"), " "));
    }

    // ---------- shared helpers ----------

    /// <summary>Header-style fields (<c>Name: value</c>, folded lines unfolded) of a DSN or ARF block.</summary>
    private static IEnumerable<(string Name, string Value)> Fields(string block)
    {
        string? name = null;
        var value = new StringBuilder();
        foreach (var raw in block.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                value.Append(' ').Append(line.Trim());
                continue;
            }
            if (name is not null) yield return (name, value.ToString().Trim());
            name = null;
            value.Clear();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < 80 && !line[..colon].Contains(' ', StringComparison.Ordinal))
            {
                name = line[..colon];
                value.Append(line[(colon + 1)..]);
            }
        }
        if (name is not null) yield return (name, value.ToString().Trim());
    }

    /// <summary>Drops an address-type or diagnostic-type prefix: <c>rfc822; a@b</c> → <c>a@b</c>, <c>smtp; 550 …</c> → <c>550 …</c>.</summary>
    private static string StripType(string value)
    {
        var semi = value.IndexOf(';', StringComparison.Ordinal);
        return semi is > 0 and < 16 && !value[..semi].Contains('@', StringComparison.Ordinal) ? value[(semi + 1)..].Trim() : value.Trim();
    }

    private static string? FirstAddress(string text)
    {
        var m = AddressPattern().Match(text);
        return m.Success ? m.Groups["a"].Value.TrimEnd('.').ToLowerInvariant() : null;
    }

    private static IEnumerable<string> AddressesIn(string text) =>
        AddressPattern().Matches(text).Select(m => m.Groups["a"].Value.TrimEnd('.').ToLowerInvariant()).Distinct();

    private static string Unbracket(string value) => value.Trim().Trim('<', '>').Trim();

    private static string? StatusIn(string text)
    {
        var m = EnhancedStatus().Match(text);
        return m.Success ? m.Value : null;
    }

    /// <summary>
    /// The first precise 5.x.x (or 4.x.x) status, else the first general one (x.0.0); 2.x.x ones are the words of a
    /// successful step.
    /// </summary>
    private static string? FailureStatusIn(string text)
    {
        string? general = null;
        foreach (Match m in EnhancedStatus().Matches(text))
        {
            if (m.Value[0] is not ('5' or '4')) continue;
            if (!m.Value.EndsWith(".0.0", StringComparison.Ordinal)) return m.Value;
            general ??= m.Value;
        }
        return general;
    }

    private static int? SmtpCodeIn(string text, bool preferFailure = false)
    {
        foreach (Match m in SmtpCode().Matches(text))
        {
            var code = int.Parse(m.Groups["c"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (!preferFailure || code >= 400) return code;
        }
        return null;
    }

    private static string Clean(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Trim(string text)
    {
        var t = Clean(text);
        return t.Length > MaxDiagnosticChars ? t[..MaxDiagnosticChars] : t;
    }

    [GeneratedRegex(@"(?<![\w.+-])<?(?<a>[A-Za-z0-9\u0080-\uFFFF!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9\u0080-\uFFFF-]+(?:\.[A-Za-z0-9\u0080-\uFFFF-]+)+)>?", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AddressPattern();

    [GeneratedRegex(@"(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?![\d.]*\d)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EnhancedStatus();

    [GeneratedRegex(@"(?<![\d.:/#-])(?<c>[245][0-5]\d)(?=[ -]|\s|$)(?![ -]?\d{3,})", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SmtpCode();

    [GeneratedRegex(@"^Status:\s*[245]\.", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex StatusField();

    [GeneratedRegex(@"\n[ \t]*\r?\n", RegexOptions.None, 1000)]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"\s+", RegexOptions.None, 1000)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(auto:|auto-?reply|automatic reply|autoreply|out of (the )?office|vacation|away from|i am away|自动回复|自動回覆|休假|不在办公室|r[ée]ponse automatique|absence|abwesenheit|automatische antwort)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex AutoReplySubject();

    [GeneratedRegex(@"mailer-daemon|mail-daemon|postmaster|mail delivery (system|subsystem)|mail administrator|maildelivery|mail\.delivery|mailer daemon|microsoftexchange|system administrator|\bmdaemon\b|internet mail delivery|系统退信|退信|邮件系统|postmaster@", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex DaemonSender();

    [GeneratedRegex(@"undeliver|undelivered|delivery (status notification|failure|failed|has failed|notification|report)|failure notice|failed delivery|returned mail|mail delivery failed|could not be delivered|not delivered|non remis|non-remis|unzustellbar|nicht zugestellt|rejected|returned to sender|delivery problem|permanent error|bounce|退信|投递失败|发送失败|未能成功|无法投递|没有发送成功|未送达|邮件被退回|系统退信|配信エラー|不能送達|送信できません", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"could not be delivered|couldn't be delivered|delivery (to the following recipient|has failed)|undeliverable|permanent (fatal )?error|unable to deliver|was not delivered|delivery failed|I'm afraid I wasn't able|This is the mail system at|This message was created automatically by mail delivery software|Hi\. This is the qmail-send program|无法投递|发送失败|退信原因|很抱歉您的邮件|未能成功发送|投递失败", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex BounceBody();

    [GeneratedRegex(@"^(delivery status notification \((success|relay|delivered)\)|successful mail delivery|delivered:|delivery notification: (delivered|success)|relayed:|message delivered|投递成功|发送成功)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex SuccessSubject();

    [GeneratedRegex(@"\b(fail|failed|failure|undeliver|reject|error)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex FailureWords();

    [GeneratedRegex(@"^[ \t>]*(-+ ?(original message|below this line is a copy of the message|this is a copy of the message|the header of the original message is following|original message header|message header follows|the original message was received)|-+ ?(this is a copy|original message|returned message|headers of the original message|undelivered message)|--- below this line is a copy|original message headers:|the original message headers|included is a copy of the message header|------ this is a copy of the message, including all the headers|-----原始邮件-----|-----原始邮件头-----|原邮件头|原始邮件信息)", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ReturnedCopyMarker();

    [GeneratedRegex(@"^(Return-Path|Received|Message-ID|DKIM-Signature|MIME-Version|X-[\w-]+):[ \t]", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex InlineHeaders();

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>|</tr>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex HtmlBreaks();

    [GeneratedRegex(@"<[^>]{0,2000}>", RegexOptions.None, 1000)]
    private static partial Regex HtmlTags();
}
