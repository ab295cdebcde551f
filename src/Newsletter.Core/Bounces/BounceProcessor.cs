using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Newsletter.Core.Audience;

namespace Newsletter.Core.Bounces;

/// <summary>What processing one returned message did.</summary>
/// <param name="Report">What the parser read.</param>
/// <param name="Stored">Outcomes newly stored (a report already processed stores none).</param>
/// <param name="Unmatched">Recipients no outbox row or subscriber was found for (stored, never guessed).</param>
/// <param name="Changes">Subscribers whose status this message changed, as <c>address → status</c>.</param>
public sealed record ProcessOutcome(BounceReport Report, int Stored, int Unmatched, IReadOnlyList<string> Changes);

/// <summary>
/// Applies the bounce policy to one returned message: parses it, ties each recipient to the outbox row it is about
/// (VERP return path → returned Message-ID → campaign header + address → address alone; nothing is guessed),
/// stores every bounce and complaint, and changes subscribers: a hard bounce marks <c>bounced</c> at once,
/// <see cref="BounceOptions.SoftLimit"/> soft bounces within <see cref="BounceOptions.SoftWindow"/> mark <c>bounced</c>,
/// a complaint marks <c>complained</c> (an <c>opt-out</c> report only unsubscribes), an auto-reply changes nothing.
/// A message to <c>unsubscribe+&lt;token&gt;@…</c> (or with the token in its subject) unsubscribes the token's subscriber.
/// Idempotent: a report is keyed by its Message-ID (or content hash) and recipient, and every status change is
/// conditional on the current status, so a pass interrupted and run again counts nothing twice.
/// </summary>
public sealed partial class BounceProcessor(
    BounceParser parser,
    IBounceStore bounces,
    ISubscriberStore subscribers,
    SubscriberTokens tokens,
    BounceOptions options,
    TimeProvider time,
    VerpAddresses? verp = null)
{
    private readonly BounceOptions _options = options.Clamped();

    public async Task<ProcessOutcome> ProcessAsync(byte[] raw, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var report = parser.Parse(raw);
        var now = time.GetUtcNow();
        var keyBase = report.MessageId.Length > 0 ? "mid:" + report.MessageId : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));
        var keepRaw = _options.KeepRawFor > TimeSpan.Zero ? raw : null;

        if (await MailedUnsubscribeAsync(report, keyBase, now, keepRaw, ct) is { } unsubscribed)
        {
            return unsubscribed;
        }
        if (report.Kind is ReportKind.Other or ReportKind.AutoReply)
        {
            return new ProcessOutcome(report, 0, 0, []);
        }

        int stored = 0, unmatched = 0;
        var changes = new List<string>();
        foreach (var recipient in report.Recipients)
        {
            var (match, by, subscriberId) = await MatchAsync(report, recipient, ct);
            if (subscriberId is null) unmatched++;
            var record = new BounceRecord
            {
                ReportKey = keyBase + "|" + recipient.Address,
                ReceivedAt = now,
                Kind = report.Kind == ReportKind.Complaint ? "complaint" : "bounce",
                Class = recipient.Class,
                Address = recipient.Address,
                Status = recipient.Status,
                SmtpCode = recipient.SmtpCode,
                Reason = recipient.Reason,
                Diagnostic = recipient.Diagnostic,
                MatchedBy = by,
                CampaignId = match?.CampaignId,
                SubscriberId = subscriberId,
                OutboxId = match?.OutboxId,
            };
            if (await bounces.AddAsync(record, keepRaw, ct))
            {
                stored++;
                Diagnostics.NewsletterMetrics.Bounce(record.Kind, record.Class.ToString().ToLowerInvariant());
            }
            // Applied even when the row already existed: a pass that crashed after storing still finishes the change.
            if (subscriberId is { } id && await ApplyPolicyAsync(id, record, now, ct) is { } status)
            {
                changes.Add($"{recipient.Address} → {status}");
            }
        }
        return new ProcessOutcome(report, stored, unmatched, changes);
    }

    private async Task<(OutboxMatch? Match, string By, long? SubscriberId)> MatchAsync(BounceReport report, ReportRecipient recipient, CancellationToken ct)
    {
        if (verp is not null)
        {
            foreach (var address in report.DeliveredTo)
            {
                if (verp.TryRead(address, out var outboxId) && await bounces.FindByOutboxIdAsync(outboxId, ct) is { } row &&
                    (report.Recipients.Count == 1 || row.Email == recipient.Address))
                {
                    return (row, MatchedBy.Verp, row.SubscriberId);
                }
            }
        }
        if (report.OriginalMessageId.Length > 0 && await bounces.FindByMessageIdAsync(report.OriginalMessageId, ct) is { } byId &&
            (report.Recipients.Count == 1 || byId.Email == recipient.Address))
        {
            return (byId, MatchedBy.MessageId, byId.SubscriberId);
        }
        if (long.TryParse(report.OriginalCampaign, out var campaignId) &&
            await bounces.FindByCampaignAndEmailAsync(campaignId, recipient.Address, ct) is { } byCampaign)
        {
            return (byCampaign, MatchedBy.Campaign, byCampaign.SubscriberId);
        }
        if (await subscribers.FindByEmailAsync(recipient.Address, ct) is { } subscriber)
        {
            return (null, MatchedBy.Address, subscriber.Id);
        }
        return (null, MatchedBy.None, null);
    }

    private async Task<string?> ApplyPolicyAsync(long subscriberId, BounceRecord record, DateTimeOffset now, CancellationToken ct)
    {
        var before = await subscribers.FindByIdAsync(subscriberId, ct);
        if (before is null || before.Status != SubscriberStatus.Active) return null;
        string? result = null;
        if (record.Kind == "complaint")
        {
            if (record.Reason == "opt-out")
            {
                await subscribers.UnsubscribeAsync(subscriberId, "complaint opt-out", ct);
                result = "unsubscribed";
            }
            else
            {
                await subscribers.MarkComplainedAsync(subscriberId, $"complaint: {record.Reason}", ct);
                result = "complained";
            }
        }
        else if (record.Class == BounceClass.Hard)
        {
            await subscribers.MarkBouncedAsync(subscriberId, $"hard bounce: {record.Status} {record.Reason}".Replace("  ", " ", StringComparison.Ordinal), ct);
            result = "bounced";
        }
        else
        {
            var soft = await bounces.CountSoftAsync(subscriberId, now - _options.SoftWindow, ct);
            if (soft >= _options.SoftLimit)
            {
                await subscribers.MarkBouncedAsync(subscriberId, $"{soft} soft bounces within {_options.SoftWindow.TotalDays:0.#} days (last: {record.Reason})", ct);
                result = "bounced";
            }
        }
        return result;
    }

    private async Task<ProcessOutcome?> MailedUnsubscribeAsync(BounceReport report, string keyBase, DateTimeOffset now, byte[]? raw, CancellationToken ct)
    {
        if (report.Kind is ReportKind.Bounce) return null;
        foreach (var candidate in report.DeliveredTo.Select(a => TokenInAddress().Match(a)).Where(m => m.Success).Select(m => m.Groups["t"].Value)
                     .Concat(TokenInSubject().Matches(report.Subject).Select(m => m.Value)))
        {
            // The same check as /u/{token}: a forged or altered token verifies for nobody and changes nothing.
            if (!tokens.TryVerify(candidate, TokenPurpose.Unsubscribe, out var subscriberId, out var campaignId)) continue;
            var subscriber = await subscribers.FindByIdAsync(subscriberId, ct);
            if (subscriber is null) continue;
            var record = new BounceRecord
            {
                ReportKey = keyBase + "|unsubscribe|" + subscriberId,
                ReceivedAt = now,
                Kind = "unsubscribe",
                Class = BounceClass.Soft,
                Address = subscriber.Email,
                Reason = "mailto",
                MatchedBy = MatchedBy.Token,
                CampaignId = campaignId == 0 ? null : campaignId,
                SubscriberId = subscriberId,
            };
            var stored = await bounces.AddAsync(record, raw, ct) ? 1 : 0;
            var changed = subscriber.Status == SubscriberStatus.Active && await subscribers.UnsubscribeAsync(subscriberId, campaignId > 0 ? $"mailto:campaign-{campaignId}" : "mailto", ct);
            return new ProcessOutcome(report, stored, 0, changed ? [$"{subscriber.Email} → unsubscribed"] : []);
        }
        return null;
    }

    [GeneratedRegex(@"^[^+@]+\+(?<t>[A-Za-z0-9_-]{40,50})@", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TokenInAddress();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{46}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TokenInSubject();
}
