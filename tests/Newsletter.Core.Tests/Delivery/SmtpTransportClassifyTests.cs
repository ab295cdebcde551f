using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

public sealed class SmtpTransportClassifyTests
{
    private static readonly MailboxAddress Recipient = new("", "wang@xuchang.gov.cn");

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 421)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 450)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 451)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 452)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 451)]
    public void Every_4xx_is_temporary(SmtpErrorCode error, int code)
    {
        var failure = SmtpTransport.Classify(new SmtpCommandException(error, (SmtpStatusCode)code, Recipient, "try later"), connecting: false);
        Assert.Equal(DeliveryFailureKind.Temporary, failure.Kind);
        Assert.Equal(code, failure.StatusCode);
        Assert.StartsWith(code.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(550)]
    [InlineData(551)]
    [InlineData(553)]
    public void A_5xx_on_rcpt_rejects_the_recipient(int code)
    {
        var failure = SmtpTransport.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, (SmtpStatusCode)code, Recipient, "no such user"), false);
        Assert.Equal(DeliveryFailureKind.RecipientRejected, failure.Kind);
        Assert.Contains("no such user", failure.Reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 553)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 554)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 552)]
    public void A_5xx_on_mail_from_or_data_rejects_the_message(SmtpErrorCode error, int code)
    {
        var failure = SmtpTransport.Classify(new SmtpCommandException(error, (SmtpStatusCode)code, "blocked"), false);
        Assert.Equal(DeliveryFailureKind.MessageRejected, failure.Kind);
    }

    [Fact]
    public void A_5xx_while_connecting_is_a_configuration_fault()
    {
        var failure = SmtpTransport.Classify(new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, (SmtpStatusCode)554, "no service"), connecting: true);
        Assert.Equal(DeliveryFailureKind.Configuration, failure.Kind);
    }

    [Fact]
    public void Authentication_and_tls_failures_are_configuration_faults_that_name_the_settings()
    {
        var auth = SmtpTransport.Classify(new AuthenticationException("535 5.7.8 bad credentials"), connecting: true);
        Assert.Equal(DeliveryFailureKind.Configuration, auth.Kind);
        Assert.Contains("Smtp:Password", auth.Reply, StringComparison.Ordinal);
        var tls = SmtpTransport.Classify(new SslHandshakeException("certificate invalid"), connecting: true);
        Assert.Equal(DeliveryFailureKind.Configuration, tls.Kind);
        Assert.Contains("Smtp:Security", tls.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropped_connections_timeouts_and_refused_connects_are_temporary()
    {
        Assert.Equal(DeliveryFailureKind.Temporary, SmtpTransport.Classify(new IOException("connection reset"), false).Kind);
        Assert.Equal(DeliveryFailureKind.Temporary, SmtpTransport.Classify(new TimeoutException(), false).Kind);
        Assert.Equal(DeliveryFailureKind.Temporary, SmtpTransport.Classify(new SmtpProtocolException("garbage"), false).Kind);
        var refused = SmtpTransport.Classify(new System.Net.Sockets.SocketException(111), connecting: true);
        Assert.Equal(DeliveryFailureKind.Temporary, refused.Kind);
        Assert.StartsWith("cannot connect", refused.Reply, StringComparison.Ordinal);
        Assert.Equal(0, refused.StatusCode);
    }
}
