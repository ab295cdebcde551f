using System.Security.Authentication;
using System.Text;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>
/// <see cref="SmtpTransport"/> against <see cref="TlsSmtpServer"/> (ours: STARTTLS, implicit TLS, AUTH PLAIN/LOGIN) with
/// certificates made in the test: every <see cref="SmtpSecurity"/> mode, certificate validation on and off, and AUTH.
/// Certificates trusted through a real chain are tested in the CLI tests (a child process can be given its own trust bundle).
/// </summary>
public sealed class SmtpTransportTlsTests : IDisposable
{
    private const string User = "bulletin@xcsti.example.org";
    private const string Secret = "Pa55-情报-t0p-secret";

    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _selfSigned = TestCertificates.SelfSigned();

    public void Dispose() => _selfSigned.Dispose();

    private TlsSmtpServer Server(SmtpServerTls tls, string? user = null, string? password = null, params string[] mechanisms) =>
        new(new TlsSmtpServerOptions
        {
            Tls = tls,
            Certificate = tls == SmtpServerTls.None ? null : _selfSigned,
            UserName = user,
            Password = password,
            AuthMechanisms = mechanisms.Length == 0 ? ["PLAIN", "LOGIN"] : mechanisms,
        });

    private static SmtpOptions Options(TlsSmtpServer server, SmtpSecurity security) => new()
    {
        Host = server.Host, Port = server.Port, Security = security, Timeout = TimeSpan.FromSeconds(5), LocalDomain = "client.test",
    };

    private static readonly MessageFactory Messages = new(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });

    /// <summary>Opens a session and sends one message to one recipient; returns the server's reply and the bytes sent.</summary>
    private static async Task<(string Reply, string MessageId, byte[] Data)> SendOneAsync(SmtpOptions options)
    {
        using var session = new SmtpTransport(options).OpenSession("tls-tests", CancellationToken.None);
        var variant = new ComposedVariant("municipal", "许昌竞争情报快递 TLS", null,
            SlotTemplate.Parse("<p>[[nl:salutation]]：许昌竞争情报快递正文。</p>"), SlotTemplate.Parse("[[nl:salutation]]：\n许昌竞争情报快递正文。\n"));
        var values = new RecipientValues("王局长", "王局长", "wang@xuchang.gov.cn", "https://bulletin.example.org/u/1", "https://bulletin.example.org/v/1");
        using var message = Messages.Create(variant, new Recipient("wang@xuchang.gov.cn", "王局长", values), Messages.NewMessageId(), 1, DateTimeOffset.UtcNow);
        var data = message.Data.ToArray();
        var reply = session.Send(message, "x", handOver: null);
        return (reply, message.MessageId, data);
    }

    public static TheoryData<SmtpSecurity, SmtpServerTls> TlsModes => new()
    {
        { SmtpSecurity.StartTls, SmtpServerTls.StartTls },
        { SmtpSecurity.Auto, SmtpServerTls.StartTls },
        { SmtpSecurity.SslOnConnect, SmtpServerTls.Implicit },
    };

    [Theory]
    [MemberData(nameof(TlsModes))]
    public async Task Certificate_validation_is_on_by_default_and_refuses_a_self_signed_certificate_as_a_configuration_fault(
        SmtpSecurity security, SmtpServerTls tls)
    {
        await using var server = Server(tls);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => SendOneAsync(Options(server, security)));

        Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
        Assert.Contains("certificate", e.Reply, StringComparison.OrdinalIgnoreCase);
        // The message names the settings to look at, including the lab-relay opt-out.
        Assert.Contains("Smtp:Security", e.Reply, StringComparison.Ordinal);
        Assert.Contains("Smtp:AcceptInvalidCertificates", e.Reply, StringComparison.Ordinal);
        Assert.Empty(server.Received);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(TlsModes))]
    public async Task With_AcceptInvalidCertificates_the_message_goes_over_tls(SmtpSecurity security, SmtpServerTls tls)
    {
        await using var server = Server(tls);

        var (reply, messageId, sent) = await SendOneAsync(Options(server, security) with { AcceptInvalidCertificates = true });

        Assert.StartsWith("2.0.0 queued as", reply, StringComparison.Ordinal);
        var received = Assert.Single(server.Received);
        Assert.True(received.OverTls);
        Assert.True(received.Protocol is SslProtocols.Tls12 or SslProtocols.Tls13, received.Protocol.ToString());
        Assert.Equal(messageId, received.MessageId);
        Assert.Equal("bulletin@xcsti.example.org", received.MailFrom);
        Assert.Equal(["wang@xuchang.gov.cn"], received.Recipients);
        // Byte for byte what the factory built.
        Assert.Equal(Encoding.ASCII.GetString(sent).TrimEnd('\r', '\n'), Encoding.ASCII.GetString(received.Data).TrimEnd('\r', '\n'));
        // MAIL, RCPT and DATA went in one write inside TLS (PIPELINING, RFC 2920): when MAIL was read RCPT was behind it,
        // and when RCPT was read DATA was (MailKit alone sends DATA after the RCPT reply: 1).
        Assert.Equal(2, server.PipelinedCommands);
        // STARTTLS is used exactly when the server's plain greeting offers it; implicit TLS never sends it.
        Assert.Equal(tls == SmtpServerTls.StartTls ? 1 : 0, server.Commands.Count(c => c.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task StartTls_against_a_server_that_does_not_offer_it_is_a_configuration_fault_and_sends_nothing_in_plain()
    {
        await using var server = Server(SmtpServerTls.None);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => SendOneAsync(Options(server, SmtpSecurity.StartTls) with { AcceptInvalidCertificates = true }));

        Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
        Assert.Contains("STARTTLS", e.Reply, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Smtp:Security", e.Reply, StringComparison.Ordinal);
        Assert.Empty(server.Received);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SslOnConnect_against_a_plain_greeting_is_a_configuration_fault()
    {
        await using var server = Server(SmtpServerTls.StartTls);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => SendOneAsync(Options(server, SmtpSecurity.SslOnConnect) with { AcceptInvalidCertificates = true }));

        Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
        Assert.Contains("Smtp:Security", e.Reply, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Auto_without_starttls_on_offer_sends_in_plain_and_None_never_starts_tls()
    {
        // Auto is opportunistic (MailKit's StartTlsWhenAvailable on ports other than 465): documented, not hidden.
        await using (var plain = Server(SmtpServerTls.None))
        {
            await SendOneAsync(Options(plain, SmtpSecurity.Auto));
            Assert.False(Assert.Single(plain.Received).OverTls);
        }
        await using var offering = Server(SmtpServerTls.StartTls);
        await SendOneAsync(Options(offering, SmtpSecurity.None));
        Assert.False(Assert.Single(offering.Received).OverTls);
        Assert.DoesNotContain(offering.Commands, c => c.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task The_right_password_authenticates_inside_tls_and_delivers(string mechanism)
    {
        await using var server = Server(SmtpServerTls.StartTls, User, Secret, mechanism);

        await SendOneAsync(Options(server, SmtpSecurity.StartTls) with { AcceptInvalidCertificates = true, UserName = User, Password = Secret });

        var attempt = Assert.Single(server.AuthAttempts);
        Assert.Equal(new SmtpAuthAttempt(mechanism, User, Succeeded: true, OverTls: true), attempt);
        var received = Assert.Single(server.Received);
        Assert.Equal(User, received.AuthenticatedAs);
        Assert.True(received.OverTls);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task A_wrong_password_is_a_configuration_fault_naming_the_settings_and_never_shows_the_password(string mechanism)
    {
        await using var server = Server(SmtpServerTls.StartTls, User, "the-right-one", mechanism);

        var e = await Assert.ThrowsAsync<DeliveryException>(() =>
            SendOneAsync(Options(server, SmtpSecurity.StartTls) with { AcceptInvalidCertificates = true, UserName = User, Password = Secret }));

        Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
        Assert.Contains("Smtp:UserName", e.Reply, StringComparison.Ordinal);
        Assert.Contains("Smtp:Password", e.Reply, StringComparison.Ordinal);
        Assert.False(Assert.Single(server.AuthAttempts).Succeeded);
        // The password really went to the server (so a leak would have something to leak) ...
        Assert.Contains(server.Commands, c => c.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), StringComparison.Ordinal)
            || c.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{User}\0{Secret}")), StringComparison.Ordinal));
        // ... and appears nowhere in what we report: the reply, the exception chain with its stack traces, the options' text.
        foreach (var text in new[] { e.Reply, e.ToString(), (Options(server, SmtpSecurity.StartTls) with { UserName = User, Password = Secret }).ToString() })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), text, StringComparison.Ordinal);
        }
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Auto_never_sends_the_password_in_plain_and_None_does_so_only_because_it_was_asked_to()
    {
        await using (var plain = Server(SmtpServerTls.None, User, Secret))
        {
            var e = await Assert.ThrowsAsync<DeliveryException>(() =>
                SendOneAsync(Options(plain, SmtpSecurity.Auto) with { UserName = User, Password = Secret }));

            Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
            Assert.Contains("Smtp:Security=None", e.Reply, StringComparison.Ordinal);
            Assert.Empty(plain.AuthAttempts);
            Assert.DoesNotContain(plain.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
            Assert.Empty(plain.Received);
        }
        await using var trusted = Server(SmtpServerTls.None, User, Secret);
        await SendOneAsync(Options(trusted, SmtpSecurity.None) with { UserName = User, Password = Secret });
        Assert.False(Assert.Single(trusted.AuthAttempts).OverTls);
        Assert.Single(trusted.Received);
    }

    [Fact]
    public async Task Credentials_for_a_server_that_offers_no_auth_are_a_configuration_fault()
    {
        // The server offers AUTH only inside TLS (like Postfix's smtpd_tls_auth_only); Security=None never gets there.
        await using var server = Server(SmtpServerTls.StartTls, User, Secret);

        var e = await Assert.ThrowsAsync<DeliveryException>(() =>
            SendOneAsync(Options(server, SmtpSecurity.None) with { UserName = User, Password = Secret }));

        Assert.Equal(DeliveryFailureKind.Configuration, e.Kind);
        Assert.Contains("authentication", e.Reply, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.AuthAttempts);
        Assert.Empty(server.Received);
    }
}
