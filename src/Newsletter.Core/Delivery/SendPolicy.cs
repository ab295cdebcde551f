using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Issues;

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
            reasons.Add("it is marked as a sample (样刊, `sample: true`)");
        }
        if (string.IsNullOrWhiteSpace(metadata.Number))
        {
            reasons.Add("it has no 期号 (`number`)");
        }
        if (metadata.Date is null)
        {
            reasons.Add("it has no date");
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
        var why = string.Join("; ", reasons);
        if (IsRealSend && real.Count > 0)
        {
            throw new SampleIssueRefusedException(
                $"refused: this issue cannot go to {string.Join(",", real)} over SMTP because {why}; it may go only to {Segments.TestRecipients}",
                "give the 期号 and date (--number 2024年第9期 --date 2024-09-15, or `number:`/`date:` and `sample: false` in the front matter, or the issue page in the web admin)");
        }
        return [IsRealSend
            ? $"this issue is not finished ({why}); it goes only to {Segments.TestRecipients}"
            : $"this issue is not finished ({why}); sent anyway because Delivery:Transport is pickup (a preview, not a real send) — over SMTP it would be refused"];
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
