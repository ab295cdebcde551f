using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Issues;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Delivery;

/// <summary>
/// A real send of a 样刊 (or of an issue without 期号 or date) to real readers was refused; nothing was created or sent.
/// <see cref="UserFacingException.Hint"/> says how to make the issue sendable.
/// </summary>
public sealed class SampleIssueRefusedException(string message, string hint) : UserFacingException(message, hint);

/// <summary>
/// What may go to real readers. A real send is one through SMTP (<c>Delivery:Transport=smtp</c>); the pickup folder is a
/// preview and demo transport. In a real send an issue marked <c>sample</c>, or lacking its 期号 or date, may go only to
/// the editors' test list (<see cref="Segments.TestRecipients"/>); with the pickup folder the same findings are warnings.
/// </summary>
public sealed class SendPolicy(DeliveryOptions delivery)
{
    /// <summary>True when messages leave for real mailboxes (SMTP).</summary>
    public bool IsRealSend => delivery.Transport == TransportKind.Smtp;

    /// <summary>Why <paramref name="metadata"/> is not a finished issue: 样刊, no 期号, no date; empty when it is.</summary>
    public static IReadOnlyList<string> Unfinished(IssueMetadata metadata)
    {
        var reasons = new List<string>();
        if (metadata.IsSample)
        {
            reasons.Add(Texts.Get("core.policy.marked_sample"));
        }
        if (string.IsNullOrWhiteSpace(metadata.Number))
        {
            reasons.Add(Texts.Get("core.policy.no_number"));
        }
        if (metadata.Date is null)
        {
            reasons.Add(Texts.Get("core.policy.no_date"));
        }
        return reasons;
    }

    /// <summary>
    /// Checks that <paramref name="issue"/> may go to <paramref name="segments"/>. Returns the warnings to show (pickup
    /// transport, or only the test list targeted); throws when a real send would reach real readers.
    /// </summary>
    /// <exception cref="SampleIssueRefusedException">A real send of an unfinished issue to a segment other than the test list.</exception>
    public IReadOnlyList<string> Check(IssueMetadata issue, IReadOnlyList<string> segments)
    {
        var reasons = Unfinished(issue);
        if (reasons.Count == 0)
        {
            return [];
        }
        var real = segments.Where(s => s != Segments.TestRecipients).ToList();
        var why = string.Join(Texts.Get("core.separator.clause"), reasons);
        if (IsRealSend && real.Count > 0)
        {
            throw new SampleIssueRefusedException(
                Texts.Format("core.policy.refused", string.Join(",", real), why, Segments.TestRecipients),
                Texts.Get("core.policy.refused_hint"));
        }
        return [IsRealSend
            ? Texts.Format("core.policy.unfinished_test_only", why, Segments.TestRecipients)
            : Texts.Format("core.policy.unfinished_pickup", why)];
    }

    /// <summary>
    /// The same rule for a campaign that exists already (a resume, a retry, a scheduled firing): its kept issue source is
    /// checked against its segments, because it may have been created while the pickup folder was configured.
    /// </summary>
    /// <returns>The refusal, or null when the campaign may go (or its source cannot be read back: it was checked when created).</returns>
    public async Task<SampleIssueRefusedException?> CheckStoredAsync(ICampaignStore campaigns, Campaign campaign, CancellationToken ct = default)
    {
        if (!IsRealSend || await campaigns.GetSourceTextAsync(campaign.Id, ct) is not { } source
            || IssuePublisher.ParseStored(source, campaign.SourcePath).Issue is not { } issue)
        {
            return null;
        }
        try
        {
            Check(issue.Metadata, campaign.Segments);
            return null;
        }
        catch (SampleIssueRefusedException e)
        {
            return e;
        }
    }
}
