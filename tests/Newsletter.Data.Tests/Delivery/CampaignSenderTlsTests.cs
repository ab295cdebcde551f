using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// A whole campaign run (SQLite outbox, <see cref="SmtpTransport"/>, <see cref="CampaignSender"/>) against
/// <see cref="TlsSmtpServer"/>: a certificate the client must refuse or a wrong password pauses the campaign with the
/// setting to fix, without burning the list; the right settings deliver everything over TLS; the password shows nowhere.
/// </summary>
public sealed class CampaignSenderTlsTests : IDisposable
{
    private const string User = "bulletin@xcsti.example.org";
    private const string Secret = "Xc-情报-2026-s3cret!";
    private const int Recipients = 30;

    private static readonly DeliveryOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(20), BatchSize = 10 };

    private readonly X509Certificate2 _selfSigned = TestCertificates.SelfSigned();

    public void Dispose() => _selfSigned.Dispose();

    private TlsSmtpServer Server(SmtpServerTls tls, string? password = null) => new(new TlsSmtpServerOptions
    {
        Tls = tls, Certificate = _selfSigned, UserName = password is null ? null : User, Password = password,
    });

    private static SmtpTransport Transport(TlsSmtpServer server, SmtpSecurity security, bool acceptInvalid, string? password = null) => new(new SmtpOptions
    {
        Host = server.Host, Port = server.Port, Security = security, AcceptInvalidCertificates = acceptInvalid,
        UserName = password is null ? null : User, Password = password, Connections = 2, Timeout = TimeSpan.FromSeconds(5),
    });

    [Theory]
    [InlineData(SmtpSecurity.Auto, SmtpServerTls.StartTls)]
    [InlineData(SmtpSecurity.SslOnConnect, SmtpServerTls.Implicit)]
    public async Task A_refused_certificate_pauses_the_campaign_with_the_setting_to_fix_and_keeps_every_message(SmtpSecurity security, SmtpServerTls tls)
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), Recipients);
        await using var server = Server(tls);
        var campaign = await fixture.NewCampaignAsync();
        var logger = new CapturingLogger<CampaignSender>();

        var summary = await fixture.Sender(Transport(server, security, acceptInvalid: false), Fast, logger)
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.Equal(CampaignState.Paused, summary.Campaign.State);
        Assert.Contains("certificate", summary.Paused, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Smtp:AcceptInvalidCertificates", summary.Campaign.StateReason, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("paused", StringComparison.Ordinal));
        Assert.Empty(server.Received);
        Assert.True(server.Connections >= 1, "the client never reached the server");
        // Nothing burnt: no message failed, none lost an attempt; all wait for a resume.
        var counts = Assert.Single(summary.Counts);
        Assert.Equal(0, counts.Failed + counts.Sent);
        Assert.Equal(Recipients, counts.Pending + counts.Deferred);
        Assert.All(await fixture.OutboxAsync(campaign.Id), row => Assert.Equal(0, row.Attempts));
    }

    [Theory]
    [InlineData(SmtpSecurity.StartTls, SmtpServerTls.StartTls)]
    [InlineData(SmtpSecurity.SslOnConnect, SmtpServerTls.Implicit)]
    public async Task With_the_lab_opt_out_and_the_right_password_every_message_arrives_once_over_tls_authenticated(SmtpSecurity security, SmtpServerTls tls)
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), Recipients);
        await using var server = Server(tls, Secret);
        var campaign = await fixture.NewCampaignAsync();

        var summary = await fixture.Sender(Transport(server, security, acceptInvalid: true, Secret), Fast)
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.True(summary.Paused is null, summary.Paused);
        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        var received = server.Received.ToList();
        Assert.Equal((await fixture.OutboxAsync(campaign.Id)).Select(r => r.MessageId).Order(), received.Select(m => m.MessageId).Order());
        Assert.All(received, m => Assert.True(m.OverTls && m.AuthenticatedAs == User, $"{m.MessageId}: tls={m.OverTls} user={m.AuthenticatedAs}"));
        // Two workers, two connections, each authenticated once.
        Assert.Equal(2, server.AuthAttempts.Count(a => a.Succeeded));
    }

    [Fact]
    public async Task A_wrong_password_pauses_the_campaign_naming_the_settings_and_the_password_shows_in_no_log_reason_or_outbox_row()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), Recipients);
        await using var server = Server(SmtpServerTls.StartTls, "the-right-password");
        var campaign = await fixture.NewCampaignAsync();
        var logger = new CapturingLogger<CampaignSender>();

        var summary = await fixture.Sender(Transport(server, SmtpSecurity.StartTls, acceptInvalid: true, Secret), Fast, logger)
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.Equal(CampaignState.Paused, summary.Campaign.State);
        Assert.Contains("Smtp:UserName", summary.Paused, StringComparison.Ordinal);
        Assert.Contains("Smtp:Password", summary.Paused, StringComparison.Ordinal);
        Assert.Contains(server.AuthAttempts, a => !a.Succeeded && a.UserName == User);
        Assert.Empty(server.Received);
        var counts = Assert.Single(summary.Counts);
        Assert.Equal(0, counts.Failed);
        Assert.Equal(Recipients, counts.Pending + counts.Deferred);

        var rows = await fixture.OutboxAsync(campaign.Id);
        Assert.NotEmpty(logger.Entries);
        var everything = new StringBuilder()
            .AppendLine(logger.AllText).AppendLine(summary.Paused).AppendLine(summary.Campaign.StateReason)
            .AppendJoin('\n', rows.Select(r => r.Reply)).ToString();
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{User}\0{Secret}")), everything, StringComparison.Ordinal);
    }
}
