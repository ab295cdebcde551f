using System.Text;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Campaigns;
using Newsletter.Core;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Delivery;

/// <summary>What an editor asks a test send for.</summary>
/// <param name="IssuePath">The issue file.</param>
/// <param name="Segment">Whose variant to send (key or name); default the issue's first audience.</param>
/// <param name="To">Addresses to send to; empty: the active members of the <c>test-recipients</c> segment.</param>
/// <param name="AsEmail">Personalise with this subscriber's data instead of sample data.</param>
/// <param name="SentBy">Who asks (the web admin's login), kept in the log; null from the command line.</param>
public sealed record TestSendRequest(string IssuePath, string? Segment, IReadOnlyList<string> To, string? AsEmail, string? SentBy = null);

/// <summary>The outcome for one address.</summary>
public sealed record TestSendResult(string Recipient, bool Delivered, string Reply);

/// <summary>The outcome of a test send: the variant, the subject as sent and one result per address.</summary>
public sealed record TestSendReport(string IssueKey, string Segment, string Subject, IReadOnlyList<TestSendResult> Results);

/// <summary>One logged test send to one address; <paramref name="SentBy"/> is the web login that sent it (null: the CLI).</summary>
public sealed record TestSendEntry(DateTimeOffset SentAt, string IssueKey, string Segment, string Recipient, bool Delivered, string Result,
    string? SentBy = null)
{
    /// <summary>The exact version of the issue sent (<see cref="IssuePublisher.VersionOf"/>); null for entries logged before versions were.</summary>
    public string? Version { get; init; }
}

/// <summary>The log of test sends, apart from campaigns (declared here, implemented in Newsletter.Data).</summary>
public interface ITestSendLog
{
    Task RecordAsync(IReadOnlyList<TestSendEntry> entries, CancellationToken ct = default);

    /// <summary>The latest entries, newest first.</summary>
    Task<IReadOnlyList<TestSendEntry>> ListAsync(int limit, CancellationToken ct = default);

    /// <summary>The latest entries of one issue, newest first.</summary>
    Task<IReadOnlyList<TestSendEntry>> ListForIssueAsync(string issueKey, int limit, CancellationToken ct = default);

    /// <summary>The test sends of exactly this <paramref name="version"/> of an issue, newest first.</summary>
    Task<IReadOnlyList<TestSendEntry>> ListForVersionAsync(string version, int limit, CancellationToken ct = default);

    /// <summary>How many messages <paramref name="sentBy"/> sent since <paramref name="since"/> (for the hourly limit).</summary>
    Task<int> CountSinceAsync(string sentBy, DateTimeOffset since, CancellationToken ct = default);
}

/// <summary>A test send cannot be made as asked (bad or too many addresses, nobody to send to, unknown subscriber).</summary>
public sealed class TestSendException(string message, string hint) : UserFacingException(message, hint);

/// <summary>
/// Test sends for editors (CLI <c>send-test</c> and the web admin): the exact message of one segment's variant,
/// personalised with sample data or a real subscriber's, subject prefixed <see cref="SubjectPrefix"/>, sent to at most
/// <see cref="MaxRecipients"/> addresses through the configured transport. Logged in <see cref="ITestSendLog"/>;
/// no campaign, outbox row or count is touched.
/// </summary>
public sealed class TestSender(IssuePublisher publisher, BulletinComposer composer, ISubscriberStore subscribers,
    IMailTransport transport, MessageFactory messages, IRecipientLinks links, ITestSendLog log, TimeProvider time)
{
    /// <summary>At most this many addresses per call.</summary>
    public const int MaxRecipients = 20;

    public const string SubjectPrefix = "[测试]";

    /// <summary>The batch (pickup folder) name of test sends.</summary>
    public const string BatchName = "test-sends";

    /// <exception cref="TestSendException">The request cannot be served as asked; nothing was sent.</exception>
    /// <exception cref="IssueRejectedException">The issue has mistakes.</exception>
    /// <exception cref="AudienceException">The segment is unknown.</exception>
    /// <exception cref="TemplateException">The layout cannot be composed.</exception>
    public async Task<TestSendReport> SendAsync(TestSendRequest request, CancellationToken ct = default)
    {
        var (issue, known, source) = await publisher.LoadAsync(request.IssuePath, ct);
        var version = IssuePublisher.VersionOf(source);
        var segment = request.Segment is { Length: > 0 } s
            ? Segments.Resolve(s, known)
            : IssuePublisher.ResolveSegments(issue.Metadata.Audiences, known) is [var first, ..]
                ? first
                : throw new TestSendException(Texts.Get("core.test_send.no_audience"), Texts.Get("core.test_send.no_audience_hint"));
        var recipients = await RecipientsAsync(request.To, ct);
        var persona = await PersonaAsync(request.AsEmail, ct);

        var variant = composer.Compose(issue, IssuePublisher.Variant(segment, known));
        if (composer.SizeError(issue, variant) is { } tooLarge)
        {
            throw new IssueRejectedException([tooLarge]);
        }
        var issueKey = IssuePublisher.IssueKey(issue, request.IssuePath);
        // Sessions block (see IMailTransport): off the caller's thread, which may be a web request's.
        var results = await Task.Run(() => SendAll(variant, persona, recipients, ct), CancellationToken.None);
        var now = time.GetUtcNow();
        await log.RecordAsync([.. results.Select(r => new TestSendEntry(now, issueKey, segment, r.Recipient, r.Delivered, r.Reply, request.SentBy) { Version = version })], CancellationToken.None);
        return new TestSendReport(issueKey, segment, SubjectPrefix + " " + variant.Subject, results);
    }

    private List<TestSendResult> SendAll(ComposedVariant variant, Subscriber? persona, IReadOnlyList<string> recipients, CancellationToken ct)
    {
        var results = new List<TestSendResult>(recipients.Count);
        IMailSession? session = null;
        try
        {
            foreach (var address in recipients)
            {
                results.Add(SendOne(variant, persona, address, session ??= transport.OpenSession(BatchName, ct)));
            }
        }
        catch (DeliveryException e)
        {
            // The transport could not be opened: every address not yet tried gets that reply.
            foreach (var address in recipients.Skip(results.Count))
            {
                results.Add(new TestSendResult(address, false, e.Reply));
            }
        }
        finally
        {
            session?.Dispose();
        }
        return results;
    }

    private TestSendResult SendOne(ComposedVariant variant, Subscriber? persona, string address, IMailSession session)
    {
        var values = persona is null
            ? new RecipientValues(SampleSalutation, SampleName, address, links.UnsubscribeUrl(0, 0), links.ViewUrl(0, 0))
            : new RecipientValues(persona.Salutation, persona.Name, persona.Email, links.UnsubscribeUrl(persona.Id, 0), links.ViewUrl(persona.Id, 0));
        using var message = messages.Create(variant, new Recipient(address, persona?.Name ?? SampleName, values),
            messages.NewMessageId(), campaignId: 0, time.GetUtcNow(), SubjectPrefix);
        try
        {
            var reply = session.Send(message, $"{time.GetUtcNow():yyyyMMddHHmmssfff}-{Guid.NewGuid():N}", handOver: null);
            return new TestSendResult(address, true, reply);
        }
        catch (DeliveryException e)
        {
            return new TestSendResult(address, false, e.Reply);
        }
    }

    /// <summary>Sample personalisation when no <c>--as</c> subscriber is given.</summary>
    public const string SampleName = "张三";

    public const string SampleSalutation = "张三主任";

    private async Task<IReadOnlyList<string>> RecipientsAsync(IReadOnlyList<string> to, CancellationToken ct)
    {
        var addresses = new List<string>();
        if (to.Count == 0)
        {
            await foreach (var member in subscribers.StreamActiveAsync(new AudienceFilter([Segments.TestRecipients]), 100, ct))
            {
                addresses.Add(member.Email);
                if (addresses.Count > MaxRecipients)
                {
                    break;
                }
            }
            if (addresses.Count == 0)
            {
                throw new TestSendException(Texts.Get("core.test_send.no_address"), Texts.Get("core.test_send.no_address_hint"));
            }
        }
        foreach (var raw in to)
        {
            var address = raw.Trim();
            if (!MailboxAddress.TryParse(address, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal)
                || mailbox.Address != address)
            {
                throw new TestSendException(Texts.Format("core.test_send.not_an_address", raw), Texts.Get("core.test_send.not_an_address_hint"));
            }
            if (HasNonAsciiLocalPart(address))
            {
                throw new TestSendException(Texts.Format("core.test_send.non_ascii", raw), Texts.Get("core.test_send.non_ascii_hint"));
            }
            if (!addresses.Contains(address, StringComparer.OrdinalIgnoreCase))
            {
                addresses.Add(address);
            }
        }
        if (addresses.Count > MaxRecipients)
        {
            throw new TestSendException(Texts.Format("core.test_send.too_many", MaxRecipients, addresses.Count), Texts.Get("core.test_send.too_many_hint"));
        }
        return addresses;
    }

    /// <summary>
    /// True when the part before the last @ holds a non-ASCII character (测试@example.org). Such addresses need SMTPUTF8
    /// (RFC 6531) end to end; the list refuses them (<see cref="EmailAddress"/>), so test sends refuse them too rather
    /// than fail in the middle of the SMTP dialogue. A non-ASCII domain is fine: it is sent as IDNA.
    /// </summary>
    public static bool HasNonAsciiLocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return !Ascii.IsValid(address.AsSpan(0, at < 0 ? address.Length : at));
    }

    private async Task<Subscriber?> PersonaAsync(string? email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        return await subscribers.FindByEmailAsync(email.Trim(), ct)
            ?? throw new TestSendException(Texts.Format("core.test_send.no_persona", email.Trim()), Texts.Get("core.test_send.no_persona_hint"));
    }
}
