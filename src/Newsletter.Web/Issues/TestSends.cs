using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Issues;

/// <summary>What the web's test-send policy lets one user send: the addresses allowed, those refused, and the hourly limit.</summary>
/// <param name="Allowed">The addresses that may be sent to.</param>
/// <param name="OutsideDomains">Addresses refused because their domain is not on the allow-list (editors only).</param>
/// <param name="AllowedDomains">The allow-list, for the message.</param>
/// <param name="SentLastHour">Messages this user sent in the last hour.</param>
/// <param name="OverLimit">True when sending <paramref name="Allowed"/> would exceed <see cref="WebOptions.TestSendsPerHour"/>.</param>
public sealed record TestSendCheck(IReadOnlyList<string> Allowed, IReadOnlyList<string> OutsideDomains, IReadOnlyList<string> AllowedDomains,
    int SentLastHour, bool OverLimit);

/// <summary>
/// The test-send form's side of test sends: the addresses offered by default, the parsing of typed ones, and the policy
/// that keeps a compromised editor account from mailing the world under the institute's From: at most
/// <see cref="WebOptions.TestSendsPerHour"/> messages per user per hour, and for editors only domains of the allow-list
/// (<see cref="WebOptions.TestSendDomains"/>). Sending and logging (with the sender's login) are Core's <see cref="TestSender"/>.
/// </summary>
public sealed class TestSends(ISubscriberStore subscribers, ITestSendLog log, WebOptions options, SenderOptions sender, TimeProvider time)
{
    public const int MaxAddresses = TestSender.MaxRecipients;

    /// <summary>The active members of the editors' test list (segment <c>test-recipients</c>).</summary>
    public async Task<IReadOnlyList<string>> DefaultAddressesAsync(CancellationToken ct) =>
        [.. (await subscribers.SearchAsync(new SubscriberQuery(Segment: Segments.TestRecipients, Status: SubscriberStatus.Active, Limit: MaxAddresses), ct))
            .Select(s => s.Email)];

    /// <summary>The configured domains, else the From domain and the test-recipients' domains; lower-case ASCII (IDNA).</summary>
    public async Task<IReadOnlyList<string>> AllowedDomainsAsync(CancellationToken ct)
    {
        var domains = new List<string>();
        void Add(string? domain)
        {
            if (domain is { Length: > 0 } && Domain("x@" + domain.Trim().TrimStart('@')) is { } d && !domains.Contains(d)) domains.Add(d);
        }
        if (!string.IsNullOrWhiteSpace(options.TestSendDomains))
        {
            foreach (var domain in Segments.SplitList(options.TestSendDomains.Replace(' ', ','))) Add(domain);
            return domains;
        }
        if (MailboxAddress.TryParse(sender.From, out var from)) Add(Domain(from.Address));
        foreach (var address in await DefaultAddressesAsync(ct)) Add(Domain(address));
        return domains;
    }

    /// <summary>Applies the policy to <paramref name="addresses"/> for <paramref name="login"/>.</summary>
    public async Task<TestSendCheck> CheckAsync(string login, bool isAdmin, IReadOnlyList<string> addresses, CancellationToken ct)
    {
        var allowedDomains = isAdmin ? [] : await AllowedDomainsAsync(ct);
        var allowed = new List<string>();
        var outside = new List<string>();
        foreach (var address in addresses)
        {
            // Admins may test with any address; editors only within the institute's (or the listed) domains.
            if (isAdmin || (Domain(address) is { } domain && allowedDomains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal))))
            {
                allowed.Add(address);
            }
            else
            {
                outside.Add(address);
            }
        }
        var sent = await log.CountSinceAsync(login, time.GetUtcNow().AddHours(-1), ct);
        return new TestSendCheck(allowed, outside, allowedDomains, sent, sent + allowed.Count > options.TestSendsPerHour);
    }

    /// <summary>Splits and checks the typed addresses; returns the valid ones and the refused entries.</summary>
    public static (IReadOnlyList<string> Valid, IReadOnlyList<string> Invalid) ParseAddresses(string? text)
    {
        var valid = new List<string>();
        var invalid = new List<string>();
        foreach (var entry in (text ?? "").Split([',', ';', '\n', '\r', ' ', '，', '；', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MailboxAddress.TryParse(entry, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)
                && !TestSender.HasNonAsciiLocalPart(mailbox.Address) && !valid.Contains(mailbox.Address, StringComparer.OrdinalIgnoreCase))
            {
                valid.Add(mailbox.Address);
            }
            else if (!valid.Contains(entry, StringComparer.OrdinalIgnoreCase))
            {
                invalid.Add(entry);
            }
        }
        return (valid, invalid);
    }

    /// <summary>The address's domain in lower-case ASCII (例子.中国 → xn--fsqu00a.xn--fiqs8s); null when it has none.</summary>
    private static string? Domain(string address) =>
        EmailAddress.TryNormalize(address, out var normalized, out _) ? normalized[(normalized.LastIndexOf('@') + 1)..] : null;
}
