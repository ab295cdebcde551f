using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Core;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Campaigns;

/// <summary>The issue file has mistakes; nothing was created or sent. Each error carries file:line and a fix.</summary>
public sealed class IssueRejectedException(IReadOnlyList<SourceError> errors)
    : UserFacingException(errors.Count == 1 ? errors[0].ToString() : Texts.Format("core.issue.problems", errors.Count, errors[0]))
{
    public IReadOnlyList<SourceError> Errors { get; } = errors;
}

/// <summary>
/// The tag filter selects no active subscriber of the segments: 0 recipients, so no campaign was created (an empty
/// campaign would only look sent). <see cref="UserFacingException.Hint"/> says how to widen the filter.
/// </summary>
public sealed class EmptyAudienceException(string message, string hint) : UserFacingException(message, hint);

/// <summary>A campaign ready to send, and whether this call created it.</summary>
public sealed record PreparedCampaign(Campaign Campaign, bool Created, Issue Issue)
{
    /// <summary>What <see cref="SendPolicy"/> warned about (an unfinished issue sent through the pickup folder).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>An issue read for sending: the issue (overrides applied), the known segments, and the source a campaign keeps.</summary>
/// <param name="SourceText">The decoded source; with overrides, the Markdown that carries them.</param>
public sealed record LoadedIssue(Issue Issue, IReadOnlyList<Segment> Known, string SourceText)
{
    /// <summary>Identifies this exact version of the issue: a hash of <see cref="SourceText"/> (test sends are logged with it).</summary>
    public string Version => IssuePublisher.VersionOf(SourceText);
}

/// <summary>
/// Turns an issue file into a campaign: read, validate, resolve the segments, compose every variant once, and create
/// the campaign with its outbox — or find the campaign already started for this issue and these segments, so
/// publishing twice continues instead of sending twice.
/// </summary>
/// <remarks>Issue 21: with <c>Tracking:Enabled</c> every campaign it creates is tracked (<paramref name="tracking"/>).</remarks>
public sealed class IssuePublisher(ISubscriberStore subscribers, ICampaignStore campaigns, BulletinComposer composer,
    MessageFactory messages, SendPolicy policy, IssueIntake intake, Figures.ICampaignTracking? tracking = null, Figures.TrackingOptions? trackingOptions = null)
{
    /// <summary>Reads (once, decoding UTF-8 or GBK) and validates an issue against the store's segments (<see cref="IssueIntake"/>).</summary>
    /// <returns>The issue, the known segments, and the decoded source text that campaigns and ready issues keep.</returns>
    /// <exception cref="IssueRejectedException">The file cannot be read or has mistakes.</exception>
    public Task<(Issue Issue, IReadOnlyList<Segment> Known, string SourceText)> LoadAsync(string path, CancellationToken ct = default) =>
        intake.LoadAsync(path, ct);

    /// <summary>
    /// Reads and validates an issue with the operator's 期号 and date (<paramref name="overrides"/>) applied. With
    /// overrides the source kept is Markdown carrying them (a plain-text bulletin is imported), so a resumed or
    /// re-checked campaign sees the same 期号.
    /// </summary>
    /// <exception cref="IssueRejectedException">The file cannot be read or has mistakes.</exception>
    public async Task<LoadedIssue> LoadAsync(string path, IssueOverrides overrides, CancellationToken ct = default)
    {
        var (issue, known, source) = await intake.LoadAsync(path, ct);
        if (overrides.IsEmpty)
        {
            return new LoadedIssue(issue, known, source);
        }
        var markdown = IssueLoader.KindOf(path) == IssueFileKind.BulletinText
            ? new BulletinTextImporter().Import(source, path, overrides).Markdown!
            : FrontMatterEditor.Apply(source, issue, overrides);
        return new LoadedIssue(issue with { Metadata = overrides.Apply(issue.Metadata) }, known, markdown);
    }

    /// <summary>A campaign's or ready issue's stored source read back: Markdown when it opens with front matter, else by the path's extension.</summary>
    public static IssueParseResult ParseStored(string text, string path) =>
        text.TrimStart('\uFEFF', ' ', '\r', '\n').StartsWith("---", StringComparison.Ordinal) && IssueLoader.KindOf(path) != IssueFileKind.Markdown
            ? IssueLoader.Parse(text, Path.ChangeExtension(path, ".md"))
            : IssueLoader.Parse(text, path);

    /// <summary>The version of an issue source: the first 16 hex digits of its SHA-256 (UTF-8, line endings as they are).</summary>
    public static string VersionOf(string sourceText) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sourceText)))[..16];

    /// <summary>The variant of <paramref name="segmentKey"/>: the sections meant for it.</summary>
    public static IssueVariant Variant(string segmentKey, IReadOnlyList<Segment> known) =>
        new(segmentKey, known.FirstOrDefault(s => s.Key == segmentKey)?.NameZh ?? segmentKey,
            name => Segments.TryResolve(name, known, out var key) && key == segmentKey);

    /// <summary>Resolves segment names (keys, Chinese or English names) to distinct keys, in the order given.</summary>
    /// <exception cref="AudienceException">A name matches no segment.</exception>
    public static IReadOnlyList<string> ResolveSegments(IEnumerable<string> names, IReadOnlyList<Segment> known) =>
        [.. names.Select(n => Segments.Resolve(n, known)).Distinct(StringComparer.Ordinal)];

    /// <summary>Resolves district and industry names (spaces ignored) to a tag filter; see <see cref="AudienceTags.Resolve(IEnumerable{string}, IEnumerable{string}, IEnumerable{string})"/>.</summary>
    /// <exception cref="AudienceTagException">A name is blank or unknown.</exception>
    public async Task<AudienceTags> ResolveTagsAsync(IReadOnlyList<string> districtNames, IReadOnlyList<string> industryNames,
        CancellationToken ct = default) =>
        AudienceTags.Resolve(districtNames, industryNames, districtNames.Count > 0 ? await subscribers.ListDistrictsAsync(ct) : []);

    /// <summary>Finds or creates the campaign of <paramref name="path"/> for whole segments; see the overload with tags.</summary>
    public Task<PreparedCampaign> PrepareAsync(string path, IReadOnlyList<string>? segmentNames, CampaignState state,
        DateTimeOffset? scheduledAt, CancellationToken ct = default) =>
        PrepareAsync(path, segmentNames, AudienceTags.None, state, scheduledAt, ct);

    /// <summary>
    /// Finds or creates the campaign of <paramref name="path"/> for <paramref name="segmentNames"/> (default: the issue's
    /// audiences) narrowed by <paramref name="tags"/>. The same issue, segments and tags find the campaign already started.
    /// </summary>
    /// <exception cref="IssueRejectedException">The issue has mistakes, or a variant's HTML is above <see cref="CompositionOptions.MaxHtmlBytes"/>.</exception>
    /// <exception cref="AudienceException">A segment is unknown.</exception>
    /// <exception cref="EmptyAudienceException">The tags select no active subscriber; nothing was created.</exception>
    /// <exception cref="TemplateException">The layout cannot be composed.</exception>
    /// <exception cref="SampleIssueRefusedException">A real send of an unfinished issue to real readers (<see cref="SendPolicy"/>).</exception>
    public async Task<PreparedCampaign> PrepareAsync(string path, IReadOnlyList<string>? segmentNames, AudienceTags tags,
        CampaignState state, DateTimeOffset? scheduledAt, CancellationToken ct = default) =>
        await PrepareAsync(path, segmentNames, tags, state, scheduledAt, IssueOverrides.None, ct);

    /// <summary>As the overload without overrides, with the operator's 期号 and date applied (see <see cref="LoadAsync(string, IssueOverrides, CancellationToken)"/>).</summary>
    /// <exception cref="SampleIssueRefusedException">A real send of an unfinished issue to real readers (<see cref="SendPolicy"/>).</exception>
    public async Task<PreparedCampaign> PrepareAsync(string path, IReadOnlyList<string>? segmentNames, AudienceTags tags,
        CampaignState state, DateTimeOffset? scheduledAt, IssueOverrides overrides, CancellationToken ct = default)
    {
        var (issue, known, source) = await LoadAsync(path, overrides, ct);
        var segments = ResolveSegments(segmentNames is { Count: > 0 } ? segmentNames : issue.Metadata.Audiences, known);
        var warnings = policy.Check(issue.Metadata, segments);
        var issueKey = IssueKey(issue, path);
        if (await campaigns.FindAsync(issueKey, segments, tags, ct) is { } existing)
        {
            return new PreparedCampaign(existing, Created: false, issue) { Warnings = warnings };
        }
        var audience = tags.For(segments);
        if (!tags.IsEmpty && !await AnyRecipientAsync(audience, ct))
        {
            throw new EmptyAudienceException(
                Texts.Format("core.campaign.empty_audience", string.Join(",", segments), tags.Describe()),
                Texts.Get("core.campaign.empty_audience_hint"));
        }

        var composed = segments.Select(key => composer.Compose(issue, Variant(key, known))).ToList();
        if (composed.Select(v => composer.SizeError(issue, v)).OfType<SourceError>().ToList() is { Count: > 0 } tooLarge)
        {
            throw new IssueRejectedException(tooLarge);
        }
        var variants = composed.Select(v => new StoredVariant(v.Key, v.Subject, v.Preheader, v.Html.Source, v.Text.Source)).ToList();
        try
        {
            var campaign = await campaigns.CreateAsync(
                new NewCampaign(issueKey, issue.Subject, segments, Path.GetFullPath(path), source, state, scheduledAt),
                variants, audience, messages.NewMessageId, ct);
            if (trackingOptions is { Enabled: true } && tracking is not null)
            {
                await tracking.SetAsync(campaign.Id, true, ct);
            }
            return new PreparedCampaign(campaign, Created: true, issue) { Warnings = warnings };
        }
        catch (CampaignExistsException)
        {
            // Two "send now" clicks at once: the other one created it between our look-up and our insert.
            var winner = await campaigns.FindAsync(issueKey, segments, tags, ct);
            if (winner is null) throw;
            return new PreparedCampaign(winner, Created: false, issue) { Warnings = warnings };
        }
    }

    private async Task<bool> AnyRecipientAsync(AudienceFilter audience, CancellationToken ct)
    {
        await foreach (var _ in subscribers.StreamActiveAsync(audience, 1, ct))
        {
            return true;
        }
        return false;
    }

    /// <summary>An issue is identified by its 期号, or by its file name when it has none (the sample).</summary>
    public static string IssueKey(Issue issue, string path) =>
        issue.Metadata.Number is { Length: > 0 } number ? number : Path.GetFileNameWithoutExtension(path);
}
