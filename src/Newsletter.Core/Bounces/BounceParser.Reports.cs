using MimeKit;

namespace Newsletter.Core.Bounces;

// The standard reports: RFC 5965 ARF complaints (and providers' look-alikes), RFC 3464 delivery status notifications.
public sealed partial class BounceParser
{
    private sealed partial class Reader
    {
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

        /// <summary>Microsoft's JMRP (Hotmail/Outlook.com) and similar: the complained-of copy with the recipient in a header.</summary>
        private bool IsProviderComplaint(HeaderList? returned) =>
            returned?["X-HmXmrOriginalRecipient"] is not null ||
            (message.Subject ?? "").TrimStart().StartsWith("complaint about message from", StringComparison.OrdinalIgnoreCase);
    }
}
