using System.Text.RegularExpressions;
using MimeKit;

namespace Newsletter.Core.Bounces;

// Everything without a standard report: auto-replies and MTAs' own failure notices, read from their words.
public sealed partial class BounceParser
{
    private sealed partial class Reader
    {
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
    }
}
