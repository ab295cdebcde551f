using System.Security.Cryptography;
using Newsletter.Core.Bounces;
using Newsletter.Core.Delivery;
using Newsletter.Core.Diagnostics;
using Newsletter.Testing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Newsletter.Core.Tests.Diagnostics;

/// <summary>Each check of <c>newsletter doctor</c> against a configuration with its fault, and without.</summary>
public sealed class DoctorChecksTests
{
    private static async Task<DoctorFinding> One(IDoctorCheck check) => Assert.Single(await check.RunAsync(CancellationToken.None));

    [Theory]
    [InlineData("http://127.0.0.1:5080", DoctorLevel.Error, "loopback")]
    [InlineData("http://localhost:5080", DoctorLevel.Error, "loopback")]
    [InlineData("http://[::1]:5080", DoctorLevel.Error, "loopback")]
    [InlineData("not a url", DoctorLevel.Error, "not an http")]
    [InlineData("http://bulletin.xcsti.gov.cn", DoctorLevel.Warning, "not https")]
    [InlineData("https://bulletin.xcsti.gov.cn", DoctorLevel.Ok, "PublicBaseUrl")]
    public async Task Public_base_url_must_be_https_and_not_loopback(string url, DoctorLevel level, string text)
    {
        var finding = await One(new PublicBaseUrlCheck(new PublicOptions { PublicBaseUrl = url }));
        Assert.Equal(level, finding.Level);
        Assert.Contains(text, finding.Message, StringComparison.Ordinal);
        Assert.True(level == DoctorLevel.Ok || finding.Fix is not null, "every fault says how to fix it");
    }

    [Theory]
    [InlineData("许昌市科学技术情报研究所 <bulletin@xcsti.example.org>", DoctorLevel.Error)]
    [InlineData("bulletin@example.com", DoctorLevel.Error)]
    [InlineData("bulletin@mail.example", DoctorLevel.Error)]
    [InlineData("bulletin@xcsti.test", DoctorLevel.Error)]
    [InlineData("bulletin@xcsti.invalid", DoctorLevel.Error)]
    [InlineData("bulletin@localhost", DoctorLevel.Error)]
    [InlineData("no address", DoctorLevel.Error)]
    [InlineData("许昌市科学技术情报研究所 <bulletin@xcsti.gov.cn>", DoctorLevel.Ok)]
    public async Task From_must_not_be_on_a_reserved_domain(string from, DoctorLevel level) =>
        Assert.Equal(level, (await One(new SenderDomainCheck(new SenderOptions { From = from }))).Level);

    [Fact]
    public async Task Reply_to_missing_is_a_warning()
    {
        Assert.Equal(DoctorLevel.Warning, (await One(new ReplyToCheck(new SenderOptions()))).Level);
        Assert.Equal(DoctorLevel.Ok, (await One(new ReplyToCheck(new SenderOptions { ReplyTo = "editors@xcsti.gov.cn" }))).Level);
    }

    [Fact]
    public async Task Dkim_must_be_on_aligned_and_its_key_readable()
    {
        using var folder = new TempDirectory("doctor-dkim");
        var key = folder.File("dkim.pem");
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        }
        var sender = new SenderOptions { From = "bulletin@xcsti.gov.cn" };

        Assert.Equal(DoctorLevel.Warning, (await One(new DkimCheck(sender, new DkimOptions()))).Level);
        Assert.Equal(DoctorLevel.Ok, (await One(new DkimCheck(sender, new DkimOptions { Domain = "xcsti.gov.cn", Selector = "nl", KeyFile = key }))).Level);
        var misaligned = await One(new DkimCheck(sender, new DkimOptions { Domain = "other.cn", Selector = "nl", KeyFile = key }));
        Assert.Equal(DoctorLevel.Error, misaligned.Level);
        Assert.Contains("aligned", misaligned.Message, StringComparison.Ordinal);
        var unreadable = await One(new DkimCheck(sender, new DkimOptions { Domain = "xcsti.gov.cn", Selector = "nl", KeyFile = folder.File("missing.pem") }));
        Assert.Equal(DoctorLevel.Error, unreadable.Level);
        Assert.Contains("KeyFile", unreadable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ed25519_key_is_checked_and_its_dns_record_shown()
    {
        using var folder = new TempDirectory("doctor-dkim");
        var key = folder.File("dkim.pem");
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        }
        // A PKCS#8 key as openssl genpkey writes it; the expected p= read from its SubjectPublicKeyInfo (RFC 8410).
        var ed25519 = new Ed25519PrivateKeyParameters(new SecureRandom());
        File.WriteAllText(folder.File("ed.pem"), new string(PemEncoding.Write("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(ed25519).GetEncoded())));
        var publicKey = Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(ed25519.GeneratePublicKey()).GetEncoded()[^32..]);
        var sender = new SenderOptions { From = "bulletin@xcsti.gov.cn" };
        var rsaOnly = new DkimOptions { Domain = "xcsti.gov.cn", Selector = "nl", KeyFile = key };

        var findings = await new DkimCheck(sender, rsaOnly with { Ed25519Selector = "nle", Ed25519KeyFile = folder.File("ed.pem") }).RunAsync(CancellationToken.None);
        Assert.All(findings, f => Assert.Equal(DoctorLevel.Ok, f.Level));
        Assert.Contains(findings, f => f.Message.Contains($"nle._domainkey.xcsti.gov.cn; its TXT record: v=DKIM1; k=ed25519; p={publicKey}", StringComparison.Ordinal));

        var notEd25519 = await new DkimCheck(sender, rsaOnly with { Ed25519Selector = "nle", Ed25519KeyFile = key }).RunAsync(CancellationToken.None);
        Assert.Contains(notEd25519, f => f.Level == DoctorLevel.Error && f.Message.Contains("Dkim:Ed25519KeyFile", StringComparison.Ordinal));
        var half = await new DkimCheck(sender, rsaOnly with { Ed25519Selector = "nle" }).RunAsync(CancellationToken.None);
        Assert.Contains(half, f => f.Level == DoctorLevel.Error && f.Message.Contains("Dkim:Ed25519KeyFile", StringComparison.Ordinal));
    }

    [Fact]
    [Requires("postfix")]
    public async Task Relay_that_accepts_our_ehlo_is_ok()
    {
        using var sink = new SmtpSink();
        var finding = await One(new RelayCheck(new DeliveryOptions { Transport = TransportKind.Smtp },
            new SmtpOptions { Host = sink.Host, Port = sink.Port, Security = SmtpSecurity.None }));
        Assert.True(finding.Level == DoctorLevel.Ok, finding.Message);
        Assert.Contains("EHLO", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_on_a_closed_port_is_an_error()
    {
        var port = SmtpSink.FreePort();
        var finding = await One(new RelayCheck(new DeliveryOptions { Transport = TransportKind.Smtp },
            new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None }));
        Assert.Equal(DoctorLevel.Error, finding.Level);
        Assert.Contains($"127.0.0.1:{port}", finding.Message, StringComparison.Ordinal);
        Assert.NotNull(finding.Fix);
    }

    [Fact]
    public async Task Pickup_transport_is_said_to_send_nothing()
    {
        var finding = await One(new RelayCheck(new DeliveryOptions(), new SmtpOptions()));
        Assert.Equal(DoctorLevel.Warning, finding.Level);
        Assert.Contains("pickup", finding.Message, StringComparison.Ordinal);
    }

    private static readonly DeliveryOptions Smtp = new() { Transport = TransportKind.Smtp };
    private static readonly SenderOptions Verp = new() { From = "bulletin@xcsti.gov.cn", VerpReturnPath = "bounces+{token}@xcsti.gov.cn" };

    [Fact]
    public async Task Bounces_pickup_demo_needs_nothing()
    {
        Assert.Empty(await new BounceMailboxCheck(new DeliveryOptions(), new SenderOptions(), new BounceOptions()).RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Bounces_a_real_send_without_verp_or_return_mailbox_is_warned_with_the_fix()
    {
        var findings = await new BounceMailboxCheck(Smtp, new SenderOptions { From = "bulletin@xcsti.gov.cn" }, new BounceOptions()).RunAsync(CancellationToken.None);
        Assert.Equal(2, findings.Count);
        Assert.Equal([(DoctorLevel.Warning, "verp"), (DoctorLevel.Warning, "bounces")], findings.Select(f => (f.Level, f.Check)));
        Assert.Contains("Sender:VerpReturnPath", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("bounces+{token}@xcsti.gov.cn", findings[0].Fix, StringComparison.Ordinal);
        Assert.Contains("Bounces:Host", findings[1].Message, StringComparison.Ordinal);
        Assert.NotNull(findings[1].Fix);
    }

    [Requires("dovecot")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bounces_return_mailbox_that_accepts_the_login_is_ok(bool pop3)
    {
        using var dovecot = new DovecotImap(pop3: pop3);
        var options = new BounceOptions
        {
            Protocol = pop3 ? BounceProtocol.Pop3 : BounceProtocol.Imap, Host = dovecot.Host, Port = pop3 ? dovecot.Pop3Port : dovecot.Port,
            Security = SmtpSecurity.None, UserName = dovecot.UserName, Password = dovecot.Password,
        };
        var finding = await One(new BounceMailboxCheck(Smtp, Verp, options));
        Assert.True(finding.Level == DoctorLevel.Ok, finding.Message);
        Assert.Contains($"{(pop3 ? "POP3" : "IMAP")} {dovecot.Host}:{options.Port}: logged in as {dovecot.UserName}, 0 messages waiting", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(dovecot.Password, finding.Message, StringComparison.Ordinal);
    }

    [Requires("dovecot")]
    [Fact]
    public async Task Bounces_wrong_password_or_missing_folder_or_closed_port_is_a_warning_without_the_password()
    {
        using var dovecot = new DovecotImap();
        var good = new BounceOptions { Host = dovecot.Host, Port = dovecot.Port, Security = SmtpSecurity.None, UserName = dovecot.UserName, Password = dovecot.Password };
        var closed = SmtpSink.FreePort();
        foreach (var (options, text) in new[]
                 {
                     (good with { Password = "not-the-mailbox-password" }, "cannot be read"),
                     (good with { Folder = "退信" }, "cannot be read"),
                     (good with { Port = closed }, $"127.0.0.1:{closed}"),
                 })
        {
            var finding = await One(new BounceMailboxCheck(Smtp, Verp, options));
            Assert.True(finding.Level == DoctorLevel.Warning, finding.Message);
            Assert.Contains(text, finding.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-mailbox-password", finding.Message + finding.Fix, StringComparison.Ordinal);
            Assert.DoesNotContain(dovecot.Password, finding.Message + finding.Fix, StringComparison.Ordinal);
            Assert.NotNull(finding.Fix);
        }
    }
}
