using System.Net;
using System.Net.Sockets;
using MimeKit;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Diagnostics;

/// <summary>Domains reserved for documentation and testing (RFC 2606, RFC 6761): mail "from" them is never genuine.</summary>
public static class ReservedDomains
{
    private static readonly string[] Exact = ["example.org", "example.com", "example.net", "localhost"];
    private static readonly string[] Suffixes = [".example", ".test", ".invalid", ".localhost", ".example.org", ".example.com", ".example.net", ".local"];

    /// <summary>True for example.org/.com/.net and their subdomains, *.example, *.test, *.invalid, localhost, *.local.</summary>
    public static bool IsReserved(string domain)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        return Exact.Contains(d) || Suffixes.Any(s => d.EndsWith(s, StringComparison.Ordinal)) || d is "example" or "test" or "invalid";
    }
}

/// <summary><c>PublicBaseUrl</c>: the unsubscribe and web-view links must reach recipients: https, not loopback.</summary>
public sealed class PublicBaseUrlCheck(PublicOptions options) : IDoctorCheck
{
    public Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "public-url";
        var url = options.PublicBaseUrl;
        DoctorFinding finding;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            finding = new(Name, DoctorLevel.Error, $"PublicBaseUrl '{url}' is not an http(s) address",
                "set PublicBaseUrl to the public https address of `newsletter serve`, e.g. https://bulletin.xcsti.gov.cn");
        }
        else if (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
        {
            finding = new(Name, DoctorLevel.Error, $"PublicBaseUrl {url} is a loopback address: recipients' unsubscribe and web-view links would not work",
                "set PublicBaseUrl to the public https address of `newsletter serve` (NEWSLETTER_PublicBaseUrl=https://…)");
        }
        else if (uri.Scheme != "https")
        {
            finding = new(Name, DoctorLevel.Warning, $"PublicBaseUrl {url} is not https: links carry unsubscribe tokens in clear text",
                "serve the admin behind TLS and set PublicBaseUrl to its https:// address");
        }
        else
        {
            finding = new(Name, DoctorLevel.Ok, $"PublicBaseUrl {url}");
        }
        return Task.FromResult<IReadOnlyList<DoctorFinding>>([finding]);
    }
}

/// <summary><c>Sender:From</c> is on a domain of ours, not a reserved example domain.</summary>
public sealed class SenderDomainCheck(SenderOptions sender) : IDoctorCheck
{
    public Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "from-domain";
        DoctorFinding finding = SenderDomain.Of(sender.From) is not { } domain
            ? new(Name, DoctorLevel.Error, $"Sender:From '{sender.From}' is not an address", "set Sender:From to e.g. 许昌市科学技术情报研究所 <bulletin@xcsti.gov.cn>")
            : ReservedDomains.IsReserved(domain)
                ? new(Name, DoctorLevel.Error, $"Sender:From is on {domain}, a reserved example domain: receivers reject or spam-folder it",
                    "set Sender:From to an address of the institute's own domain (NEWSLETTER_Sender__From=…)")
                : new(Name, DoctorLevel.Ok, $"Sender:From on {domain}");
        return Task.FromResult<IReadOnlyList<DoctorFinding>>([finding]);
    }
}

/// <summary><c>Sender:ReplyTo</c> is set, so answers reach a person.</summary>
public sealed class ReplyToCheck(SenderOptions sender) : IDoctorCheck
{
    public Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "reply-to";
        DoctorFinding finding = string.IsNullOrWhiteSpace(sender.ReplyTo)
            ? new(Name, DoctorLevel.Warning, "Sender:ReplyTo is not set: replies go to the From address",
                "set Sender:ReplyTo to the editors' mailbox")
            : SenderDomain.Of(sender.ReplyTo) is null
                ? new(Name, DoctorLevel.Error, $"Sender:ReplyTo '{sender.ReplyTo}' is not an address", "write it as name <user@domain> or user@domain")
                : new(Name, DoctorLevel.Ok, $"Sender:ReplyTo {sender.ReplyTo}");
        return Task.FromResult<IReadOnlyList<DoctorFinding>>([finding]);
    }
}

/// <summary>DKIM signing is configured, its key readable, and its domain aligned with the From domain (DMARC).</summary>
public sealed class DkimCheck(SenderOptions sender, DkimOptions dkim) : IDoctorCheck
{
    public Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "dkim";
        var findings = new List<DoctorFinding>();
        if (!dkim.Enabled)
        {
            findings.Add(new(Name, DoctorLevel.Warning, "DKIM signing is off: large receivers may spam-folder or reject the bulletin",
                "set Dkim:Domain (the From domain), Dkim:Selector and Dkim:KeyFile (PEM RSA key) and publish the key in DNS"));
            return Task.FromResult<IReadOnlyList<DoctorFinding>>(findings);
        }
        var domain = dkim.Domain!.Trim().TrimEnd('.').ToLowerInvariant();
        var from = SenderDomain.Of(sender.From);
        if (from is not null && !(from == domain || from.EndsWith("." + domain, StringComparison.Ordinal)))
        {
            findings.Add(new(Name, DoctorLevel.Error, $"Dkim:Domain {domain} is not aligned with the From domain {from}: DMARC fails",
                $"sign with the From domain: Dkim:Domain={from} (or a parent of it)"));
        }
        try
        {
            using var rsa = Delivery.Wire.DkimSigner.ReadRsaKey(dkim.KeyFile!);
            if (findings.Count == 0)
            {
                findings.Add(new(Name, DoctorLevel.Ok, $"DKIM signing as {dkim.Selector}._domainkey.{domain}, {rsa.KeySize}-bit key"));
            }
        }
        catch (ArgumentException e)
        {
            findings.Add(new(Name, DoctorLevel.Error, $"Dkim:KeyFile {dkim.KeyFile} cannot be read as a PEM RSA key: {e.InnerException?.Message ?? e.Message}",
                "point Dkim:KeyFile at the readable PEM file of the private key"));
        }
        if (!string.IsNullOrWhiteSpace(dkim.Ed25519Selector) || !string.IsNullOrWhiteSpace(dkim.Ed25519KeyFile))
        {
            findings.Add(Ed25519(domain));
        }
        return Task.FromResult<IReadOnlyList<DoctorFinding>>(findings);
    }

    /// <summary>The optional second signature (RFC 8463): its key readable, and the DNS record to publish for it.</summary>
    private DoctorFinding Ed25519(string domain)
    {
        const string Name = "dkim";
        if (string.IsNullOrWhiteSpace(dkim.Ed25519Selector) || string.IsNullOrWhiteSpace(dkim.Ed25519KeyFile))
        {
            return new(Name, DoctorLevel.Error, "only one of Dkim:Ed25519Selector and Dkim:Ed25519KeyFile is set",
                "set both (a selector of its own) for the second, Ed25519 signature, or neither");
        }
        try
        {
            var key = Delivery.Wire.DkimSigner.ReadEd25519Key(dkim.Ed25519KeyFile);
            return new(Name, DoctorLevel.Ok, $"DKIM also signs ed25519-sha256 as {dkim.Ed25519Selector}._domainkey.{domain}; its TXT record: " +
                $"v=DKIM1; k=ed25519; p={Delivery.Wire.DkimSigner.Ed25519PublicKey(key)}");
        }
        catch (ArgumentException e)
        {
            return new(Name, DoctorLevel.Error, e.Message, "point Dkim:Ed25519KeyFile at the readable PEM file made by: openssl genpkey -algorithm ed25519");
        }
    }
}

/// <summary>
/// The relay accepts us: a real connection with the configured <c>Smtp</c> settings (TLS, AUTH), EHLO, then QUIT,
/// within a short timeout. With the pickup transport nothing is sent to mailboxes, which is said as a warning.
/// </summary>
public sealed class RelayCheck(DeliveryOptions delivery, SmtpOptions smtp) : IDoctorCheck
{
    /// <summary>The longest the check waits for the relay.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        const string Name = "relay";
        if (delivery.Transport != TransportKind.Smtp)
        {
            return [new(Name, DoctorLevel.Warning, $"Delivery:Transport is pickup: messages are written to {delivery.PickupDirectory}/, not sent",
                "for a real send set Delivery:Transport=smtp and Smtp:Host/Port")];
        }
        var options = smtp with { Timeout = smtp.Timeout < Timeout ? smtp.Timeout : Timeout };
        var transport = new SmtpTransport(options);
        try
        {
            // Blocking connect, EHLO, TLS and AUTH as a send does them; off the caller's thread.
            await Task.Run(() =>
            {
                using var session = transport.OpenSession("doctor", ct);
            }, ct);
            return [new(Name, DoctorLevel.Ok, $"relay {smtp.Host}:{smtp.Port} accepts our EHLO{(smtp.UserName is null ? "" : " and AUTH")}")];
        }
        catch (DeliveryException e)
        {
            return [new(Name, DoctorLevel.Error, $"relay {smtp.Host}:{smtp.Port} does not accept us: {e.Reply}",
                "check Smtp:Host, Smtp:Port, Smtp:Security and the credentials, and that the relay is running")];
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return [new(Name, DoctorLevel.Error, $"relay {smtp.Host}:{smtp.Port} unreachable: {e.Message}",
                "check Smtp:Host and Smtp:Port, and that the relay is running and reachable from here")];
        }
    }
}

/// <summary>The domain of an address setting.</summary>
internal static class SenderDomain
{
    public static string? Of(string? address) =>
        MailboxAddress.TryParse(address ?? "", out var mailbox) && mailbox.Address.LastIndexOf('@') is var at and > 0 && at < mailbox.Address.Length - 1
            ? mailbox.Address[(at + 1)..].ToLowerInvariant()
            : null;
}
