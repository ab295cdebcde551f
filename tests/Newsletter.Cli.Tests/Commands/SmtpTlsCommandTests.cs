using System.Globalization;
using System.Text;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The CLI against <see cref="TlsSmtpServer"/>: a relay certificate issued by an authority the process trusts is
/// validated and accepted with no opt-out (the child process gets its own trust bundle through OpenSSL's
/// <c>SSL_CERT_FILE</c> / <c>SSL_CERT_DIR</c>; no trust store of the machine is touched) including its revocation
/// through a CRL served on loopback, a revoked one is refused, and a wrong SMTP password is
/// reported with the settings to fix but never printed.
/// </summary>
[Slow]
public sealed class SmtpTlsCommandTests
{
    private const string User = "bulletin@xcsti.example.org";
    private const string Secret = "Cli-情报-s3cret-2026";
    private static readonly Dictionary<string, int> Lists = new() { ["municipal"] = 3 };

    private static Dictionary<string, string> Environment(TlsSmtpServer server, string security, string password, params (string, string)[] extra) =>
        CampaignsWorkspace.Environment([
            ("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", server.Host),
            ("NEWSLETTER_Smtp__Port", server.Port.ToString(CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", security),
            ("NEWSLETTER_Smtp__UserName", User), ("NEWSLETTER_Smtp__Password", password), ("NEWSLETTER_Smtp__Timeout", "00:00:10"),
            .. extra]);

    /// <summary>A workspace whose child processes trust only <paramref name="authority"/> (or nothing) and keep their CRL cache inside it.</summary>
    private static (string, string)[] Trust(TempDirectory workspace, TestCertificateAuthority? authority)
    {
        var bundle = Path.Combine(workspace.Path, "test-ca.pem");
        if (authority is not null)
        {
            File.WriteAllText(bundle, authority.ToPem());
        }
        var emptyDirectory = Directory.CreateDirectory(Path.Combine(workspace.Path, "no-certs")).FullName;
        return [("SSL_CERT_FILE", bundle), ("SSL_CERT_DIR", emptyDirectory), ("HOME", workspace.Path)];
    }

    [Theory]
    [InlineData("StartTls", SmtpServerTls.StartTls)]
    [InlineData("SslOnConnect", SmtpServerTls.Implicit)]
    public async Task A_relay_certificate_from_a_trusted_authority_is_validated_with_its_crl_and_accepted(string security, SmtpServerTls tls)
    {
        using var authority = new TestCertificateAuthority();
        await using var crl = new CrlServer { Crl = authority.CreateCrl() };
        using var certificate = authority.IssueServerCertificate(crl.Url);
        await using var server = new TlsSmtpServer(new TlsSmtpServerOptions { Tls = tls, Certificate = certificate, UserName = User, Password = Secret });
        using var workspace = CampaignsWorkspace.Create(Lists);

        // Without the authority in its trust bundle the process refuses the same certificate: validation is really on.
        var untrusted = CliProcess.Run(workspace.Path, Environment(server, security, Secret, Trust(workspace, null)),
            "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");
        Assert.True(untrusted.ExitCode == 1, untrusted.ToString());
        Assert.Contains("Smtp:AcceptInvalidCertificates", untrusted.Stdout + untrusted.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Received);

        var trusted = CliProcess.Run(workspace.Path, Environment(server, security, Secret, Trust(workspace, authority)),
            "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        var received = Assert.Single(server.Received);
        Assert.True(received.OverTls);
        Assert.Equal(User, received.AuthenticatedAs);
        Assert.Equal(["editor@xcsti.example.org"], received.Recipients);
        Assert.True(crl.Requests >= 1, "the client did not check the certificate's revocation");
    }

    [Fact]
    public async Task Revocation_checks_can_be_turned_off_and_the_chain_is_still_validated()
    {
        // A revoked certificate tells whether revocation is checked: refused by default (see below), accepted when off.
        await using var relay = new RevokedRelay();
        var (authority, crl, server) = (relay.Authority, relay.Crl, relay.Server);
        using var workspace = CampaignsWorkspace.Create(Lists);
        (string, string) off = ("NEWSLETTER_Smtp__CheckCertificateRevocation", "false");

        var untrusted = CliProcess.Run(workspace.Path, Environment(server, "StartTls", Secret, [.. Trust(workspace, null), off]),
            "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");
        Assert.True(untrusted.ExitCode == 1, untrusted.ToString());
        Assert.Empty(server.Received);

        var notChecking = CliProcess.Run(workspace.Path, Environment(server, "StartTls", Secret, [.. Trust(workspace, authority), off]),
            "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");
        Assert.True(notChecking.ExitCode == 0, notChecking.ToString());
        Assert.True(Assert.Single(server.Received).OverTls);
        Assert.Equal(0, crl.Requests);
    }

    [Fact]
    public async Task A_revoked_relay_certificate_is_refused()
    {
        await using var relay = new RevokedRelay();
        var (authority, server) = (relay.Authority, relay.Server);
        using var workspace = CampaignsWorkspace.Create(Lists);

        var result = CliProcess.Run(workspace.Path, Environment(server, "StartTls", Secret, Trust(workspace, authority)),
            "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("revoked", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Received);
        Assert.Empty(server.AuthAttempts);
    }

    [Fact]
    public async Task A_wrong_smtp_password_is_named_as_the_setting_to_fix_and_never_printed()
    {
        using var certificate = TestCertificates.SelfSigned();
        await using var server = new TlsSmtpServer(new TlsSmtpServerOptions
        {
            Tls = SmtpServerTls.StartTls, Certificate = certificate, UserName = User, Password = "the-right-password",
        });
        using var workspace = CampaignsWorkspace.Create(Lists);
        var environment = Environment(server, "StartTls", Secret, ("NEWSLETTER_Smtp__AcceptInvalidCertificates", "true"));

        var test = CliProcess.Run(workspace.Path, environment, "send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org");
        var publish = CliProcess.Run(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal", .. CampaignsWorkspace.RealSend]);
        var show = CliProcess.Run(workspace.Path, environment, "campaigns", "show", "1");

        Assert.True(test.ExitCode == 1, test.ToString());
        Assert.Contains("Smtp:Password", test.Stdout + test.Stderr, StringComparison.Ordinal);
        Assert.True(publish.ExitCode == 1, publish.ToString());
        Assert.Contains("paused", publish.Stdout, StringComparison.Ordinal);
        Assert.Contains("Smtp:Password", publish.Stdout, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(server.AuthAttempts, a => !a.Succeeded);
        Assert.Empty(server.Received);
        foreach (var output in new[] { test, publish, show }.SelectMany(r => new[] { r.Stdout, r.Stderr }))
        {
            Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), output, StringComparison.Ordinal);
        }
    }

    /// <summary>A STARTTLS relay whose certificate, issued by a test CA, is listed on that CA's CRL (served on loopback).</summary>
    private sealed class RevokedRelay : IAsyncDisposable
    {
        private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate;

        public RevokedRelay()
        {
            _certificate = Authority.IssueServerCertificate(Crl.Url);
            Crl.Crl = Authority.CreateCrl(_certificate);
            Server = new TlsSmtpServer(new TlsSmtpServerOptions { Tls = SmtpServerTls.StartTls, Certificate = _certificate, UserName = User, Password = Secret });
        }

        public TestCertificateAuthority Authority { get; } = new();

        public CrlServer Crl { get; } = new();

        public TlsSmtpServer Server { get; }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            _certificate.Dispose();
            await Crl.DisposeAsync();
            Authority.Dispose();
        }
    }
}
