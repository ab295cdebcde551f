using Newsletter.Core.Audience;
using Newsletter.Core.Diagnostics;
using Newsletter.Core.Issues;
using Newsletter.Core.Campaigns;
using Newsletter.Core;

namespace Newsletter.Core.Delivery;

/// <summary>How many active subscribers of one targeted segment get the issue (each subscriber counted once, in the first targeted segment they belong to).</summary>
public sealed record SegmentRecipients(string Segment, int Recipients);

/// <summary>
/// What a send would do, shown before a real send is confirmed (CLI <c>publish</c>/<c>schedule</c>, the web's confirm
/// page): the issue, its 期号 and subject, recipients per segment after the tag filter, the test sends of this exact
/// version, the policy's warnings and the configuration check. Computing it creates and sends nothing.
/// </summary>
public sealed record SendPreview(Issue Issue, string Version, IReadOnlyList<string> Segments, AudienceTags Tags,
    IReadOnlyList<SegmentRecipients> Recipients, IReadOnlyList<TestSendEntry> Tests, IReadOnlyList<string> Warnings,
    DoctorReport Doctor, bool IsRealSend, Campaign? Existing)
{
    public int Total => Recipients.Sum(r => r.Recipients);

    /// <summary>True when a test of this exact version reached at least one address.</summary>
    public bool Tested => Tests.Any(t => t.Delivered);

    /// <summary>A confirmed send that is real and has configuration errors needs the operator's explicit override.</summary>
    public bool NeedsForce => IsRealSend && Doctor.HasErrors;
}

/// <summary>One confirmed real send, as recorded with its campaign.</summary>
/// <param name="ConfirmedBy">Who confirmed: the web user's login, or "cli:&lt;user&gt;" (with "--yes" when not asked).</param>
/// <param name="Forced">True when configuration errors were overridden (<c>--force</c>, the web's force box).</param>
/// <param name="DoctorErrors">The configuration errors overridden, one per line; empty when none.</param>
public sealed record SendConfirmation(long CampaignId, DateTimeOffset ConfirmedAt, string ConfirmedBy, int Recipients, bool Forced,
    string DoctorErrors);

/// <summary>The log of confirmed real sends (table <c>send_confirmations</c>; declared here, implemented in Newsletter.Data).</summary>
public interface ISendConfirmationLog
{
    Task RecordAsync(SendConfirmation confirmation, CancellationToken ct = default);

    /// <summary>The confirmations of one campaign, oldest first.</summary>
    Task<IReadOnlyList<SendConfirmation>> ListAsync(long campaignId, CancellationToken ct = default);
}

/// <summary>A confirmed real send whose configuration check has errors was not forced; nothing was created or sent.</summary>
public sealed class ConfigurationErrorsException(string message, string hint) : UserFacingException(message, hint);

/// <summary>Builds the <see cref="SendPreview"/> of a send and records confirmations.</summary>
public sealed class SendPreviewer(IssuePublisher publisher, ISubscriberStore subscribers, ICampaignStore campaigns, ITestSendLog tests,
    SendPolicy policy, ConfigurationDoctor doctor, ISendConfirmationLog confirmations, TimeProvider time)
{
    /// <summary>True when sends are real (SMTP) and need a confirmation.</summary>
    public bool IsRealSend => policy.IsRealSend;

    /// <summary>What sending <paramref name="path"/> to <paramref name="segmentNames"/> (narrowed by <paramref name="tags"/>) would do.</summary>
    /// <exception cref="IssueRejectedException">The issue has mistakes.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    /// <exception cref="SampleIssueRefusedException">A real send of an unfinished issue to real readers.</exception>
    public async Task<SendPreview> PreviewAsync(string path, IReadOnlyList<string>? segmentNames, AudienceTags tags, IssueOverrides overrides,
        CancellationToken ct = default)
    {
        var loaded = await publisher.LoadAsync(path, overrides, ct);
        var segments = IssuePublisher.ResolveSegments(segmentNames is { Count: > 0 } ? segmentNames : loaded.Issue.Metadata.Audiences, loaded.Known);
        var warnings = policy.Check(loaded.Issue.Metadata, segments);
        var counts = segments.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        await foreach (var subscriber in subscribers.StreamActiveMembersAsync(tags.For(segments), 1000, ct))
        {
            // The outbox gives a subscriber in two targeted segments the first one's variant: counted there only.
            if (segments.FirstOrDefault(s => subscriber.Segments.Contains(s, StringComparer.Ordinal)) is { } first)
            {
                counts[first]++;
            }
        }
        var existing = await campaigns.FindAsync(IssuePublisher.IssueKey(loaded.Issue, path), segments, tags, ct);
        var tested = await tests.ListForVersionAsync(loaded.Version, 50, ct);
        var report = policy.IsRealSend ? await doctor.RunAsync(ct) : new DoctorReport([]);
        return new SendPreview(loaded.Issue, loaded.Version, segments, tags, [.. segments.Select(s => new SegmentRecipients(s, counts[s]))],
            tested, warnings, report, policy.IsRealSend, existing);
    }

    /// <summary>Refuses a real send with configuration errors unless <paramref name="force"/>.</summary>
    /// <exception cref="ConfigurationErrorsException">Errors and no force; nothing was created.</exception>
    public static void RequireForceIfErrors(SendPreview preview, bool force)
    {
        if (preview.NeedsForce && !force)
        {
            throw new ConfigurationErrorsException(
                $"the configuration check found {preview.Doctor.Count(DoctorLevel.Error)} error(s) ({string.Join(", ", preview.Doctor.Errors.Select(e => e.Check).Distinct())}, shown above); nothing was sent",
                "fix them (see `newsletter doctor`), or send anyway with --force (recorded with the campaign)");
        }
    }

    /// <summary>Records that <paramref name="campaignId"/> was confirmed as shown in <paramref name="preview"/>.</summary>
    public Task RecordAsync(long campaignId, SendPreview preview, string confirmedBy, bool force, CancellationToken ct = default) =>
        confirmations.RecordAsync(new SendConfirmation(campaignId, time.GetUtcNow(), confirmedBy, preview.Total, force && preview.NeedsForce,
            preview.NeedsForce ? string.Join("\n", preview.Doctor.Errors.Select(e => $"{e.Check}: {e.Message}")) : ""), ct);
}
