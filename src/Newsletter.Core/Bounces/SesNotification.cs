using System.Text.Json;

namespace Newsletter.Core.Bounces;

/// <summary>
/// Amazon SES notifications mailed as JSON (through SNS): <c>{"notificationType":"Bounce"|"Complaint", …}</c>,
/// possibly wrapped in an SNS envelope whose <c>Message</c> is that JSON as a string.
/// </summary>
internal static class SesNotification
{
    public sealed record Result(ReportKind Kind, IReadOnlyList<ReportRecipient> Recipients);

    /// <summary>The notification in <paramref name="text"/>, or null when it holds none.</summary>
    public static Result? TryRead(string text)
    {
        // SNS mail wraps long lines as "!" + CRLF + space; undo that before reading the JSON.
        text = text.Replace("!\r\n ", "", StringComparison.Ordinal).Replace("!\n ", "", StringComparison.Ordinal);
        var start = text.IndexOf('{', StringComparison.Ordinal);
        if (start < 0 || !text.Contains("notificationType", StringComparison.Ordinal)) return null;
        var end = text.LastIndexOf('}');
        if (end <= start) return null;
        try
        {
            using var doc = JsonDocument.Parse(text[start..(end + 1)], new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Message", out var inner) && inner.ValueKind == JsonValueKind.String)
            {
                return TryRead(inner.GetString() ?? "");
            }
            return Read(root);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Result? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("notificationType", out var typeElement)) return null;
        var type = typeElement.GetString();
        var recipients = new List<ReportRecipient>();
        if (type == "Bounce" && root.TryGetProperty("bounce", out var bounce) && bounce.ValueKind == JsonValueKind.Object)
        {
            var permanent = String(bounce, "bounceType") == "Permanent";
            if (bounce.TryGetProperty("bouncedRecipients", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in list.EnumerateArray())
                {
                    var address = String(r, "emailAddress").Trim().ToLowerInvariant();
                    if (!address.Contains('@', StringComparison.Ordinal)) continue;
                    var status = String(r, "status");
                    var diagnostic = String(r, "diagnosticCode");
                    var semi = diagnostic.IndexOf(';', StringComparison.Ordinal);
                    if (semi is > 0 and < 10) diagnostic = diagnostic[(semi + 1)..].Trim();
                    int? smtp = diagnostic.Length >= 3 && int.TryParse(diagnostic.AsSpan(0, 3), out var c) ? c : null;
                    var (reason, cls) = BounceReasons.Classify(status, smtp, diagnostic);
                    // SES's own verdict: a Transient bounce never makes the address bad.
                    if (!permanent) cls = BounceClass.Soft;
                    recipients.Add(new ReportRecipient(address, status, smtp, cls, reason, diagnostic.Length > 400 ? diagnostic[..400] : diagnostic));
                }
            }
            return new Result(ReportKind.Bounce, recipients);
        }
        if (type == "Complaint" && root.TryGetProperty("complaint", out var complaint) && complaint.ValueKind == JsonValueKind.Object)
        {
            var feedback = String(complaint, "complaintFeedbackType");
            if (complaint.TryGetProperty("complainedRecipients", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in list.EnumerateArray())
                {
                    var address = String(r, "emailAddress").Trim().ToLowerInvariant();
                    if (address.Contains('@', StringComparison.Ordinal))
                    {
                        recipients.Add(new ReportRecipient(address, "", null, BounceClass.Soft, feedback.Length > 0 ? feedback : "abuse", ""));
                    }
                }
            }
            return new Result(ReportKind.Complaint, recipients);
        }
        return null;
    }

    private static string String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
