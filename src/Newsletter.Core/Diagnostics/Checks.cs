using System.Net;
using System.Net.Sockets;
using MimeKit;
using Newsletter.Core.Delivery;
using Newsletter.Core.Localization;

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
            finding = new(Name, DoctorLevel.Error, Texts.Format("core.doctor.public_url_not_http", url),
                Texts.Get("core.doctor.public_url_not_http_hint"));
        }
        else if (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
        {
            finding = new(Name, DoctorLevel.Error, Texts.Format("core.doctor.public_url_loopback", url),
                Texts.Get("core.doctor.public_url_loopback_hint"));
        }
        else if (uri.Scheme != "https")
        {
            finding = new(Name, DoctorLevel.Warning, Texts.Format("core.doctor.public_url_not_https", url),
                Texts.Get("core.doctor.public_url_not_https_hint"));
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
            ? new(Name, DoctorLevel.Error, Texts.Format("core.doctor.from_not_address", sender.From), Texts.Get("core.doctor.from_not_address_hint"))
            : ReservedDomains.IsReserved(domain)
                ? new(Name, DoctorLevel.Error, Texts.Format("core.doctor.from_example_domain", domain),
                    Texts.Get("core.doctor.from_example_domain_hint"))
                : new(Name, DoctorLevel.Ok, Texts.Format("core.doctor.from_ok", domain));
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
            ? new(Name, DoctorLevel.Warning, Texts.Get("core.doctor.reply_to_missing"),
                Texts.Get("core.doctor.reply_to_missing_hint"))
            : SenderDomain.Of(sender.ReplyTo) is null
                ? new(Name, DoctorLevel.Error, Texts.Format("core.doctor.reply_to_not_address", sender.ReplyTo), Texts.Get("core.doctor.reply_to_not_address_hint"))
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
            findings.Add(new(Name, DoctorLevel.Warning, Texts.Get("core.doctor.dkim_off"),
                Texts.Get("core.doctor.dkim_off_hint")));
            return Task.FromResult<IReadOnlyList<DoctorFinding>>(findings);
        }
        var domain = dkim.Domain!.Trim().TrimEnd('.').ToLowerInvariant();
        var from = SenderDomain.Of(sender.From);
        if (from is not null && !(from == domain || from.EndsWith("." + domain, StringComparison.Ordinal)))
        {
            findings.Add(new(Name, DoctorLevel.Error, Texts.Format("core.doctor.dkim_unaligned", domain, from),
                Texts.Format("core.doctor.dkim_unaligned_hint", from)));
        }
        try
        {
            using var rsa = Delivery.Wire.DkimSigner.ReadRsaKey(dkim.KeyFile!);
            if (findings.Count == 0)
            {
                findings.Add(new(Name, DoctorLevel.Ok, Texts.Format("core.doctor.dkim_ok", $"{dkim.Selector}._domainkey.{domain}", rsa.KeySize)));
            }
        }
        catch (ArgumentException e)
        {
            findings.Add(new(Name, DoctorLevel.Error, Texts.Format("core.doctor.dkim_key_unreadable", dkim.KeyFile, e.InnerException?.Message ?? e.Message),
                Texts.Get("core.doctor.dkim_key_unreadable_hint")));
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
            return new(Name, DoctorLevel.Error, Texts.Get("core.doctor.ed25519_half"),
                Texts.Get("core.doctor.ed25519_half_hint"));
        }
        try
        {
            var key = Delivery.Wire.DkimSigner.ReadEd25519Key(dkim.Ed25519KeyFile);
            return new(Name, DoctorLevel.Ok, Texts.Format("core.doctor.ed25519_ok", $"{dkim.Ed25519Selector}._domainkey.{domain}",
                $"v=DKIM1; k=ed25519; p={Delivery.Wire.DkimSigner.Ed25519PublicKey(key)}"));
        }
        catch (ArgumentException e)
        {
            return new(Name, DoctorLevel.Error, e.Message, Texts.Get("core.doctor.ed25519_key_hint"));
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
            return [new(Name, DoctorLevel.Warning, Texts.Format("core.doctor.pickup", delivery.PickupDirectory),
                Texts.Get("core.doctor.pickup_hint"))];
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
            return [new(Name, DoctorLevel.Ok, Texts.Format(smtp.UserName is null ? "core.doctor.relay_ok" : "core.doctor.relay_ok_auth", $"{smtp.Host}:{smtp.Port}"))];
        }
        catch (DeliveryException e)
        {
            return [new(Name, DoctorLevel.Error, Texts.Format("core.doctor.relay_refuses", $"{smtp.Host}:{smtp.Port}", e.Reply),
                Texts.Get("core.doctor.relay_refuses_hint"))];
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return [new(Name, DoctorLevel.Error, Texts.Format("core.doctor.relay_unreachable", $"{smtp.Host}:{smtp.Port}", e.Message),
                Texts.Get("core.doctor.relay_unreachable_hint"))];
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
