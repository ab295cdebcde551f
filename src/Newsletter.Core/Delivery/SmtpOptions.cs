using FluentValidation;

namespace Newsletter.Core.Delivery;

/// <summary>How the SMTP connection is secured; mirrors MailKit's <c>SecureSocketOptions</c>.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
    Auto,
}

/// <summary>Settings section <c>Smtp</c>: the relay, checked at start by <see cref="SmtpOptionsValidator"/>. The password is never logged or printed.</summary>
public sealed record SmtpOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Default 25.</summary>
    public int Port { get; init; } = 25;

    /// <summary>Default <see cref="SmtpSecurity.Auto"/>: TLS when the server offers it.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.Auto;

    /// <summary>AUTH user; none when empty.</summary>
    public string? UserName { get; init; }

    /// <summary>AUTH password (use the environment variable <c>NEWSLETTER_Smtp__Password</c>).</summary>
    public string? Password { get; init; }

    /// <summary>Parallel connections, each with its own worker; default 4, at most 64.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>Messages per connection before a polite reconnect; default 1000.</summary>
    public int MessagesPerConnection { get; init; } = 1000;

    /// <summary>Server certificates are validated unless this is set, for a lab relay only. Default false.</summary>
    public bool AcceptInvalidCertificates { get; init; }

    /// <summary>
    /// Whether the relay certificate's revocation is checked (default true). Turn off for a private CA without a CRL or
    /// an intranet that cannot reach the CA's CRL servers; the chain and name are still validated.
    /// </summary>
    public bool CheckCertificateRevocation { get; init; } = true;

    /// <summary>How long connecting, and each read or write on the connection, may take; default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Name sent in EHLO; default the machine name.</summary>
    public string? LocalDomain { get; init; }

    /// <summary>
    /// Connect with MailKit's plain <c>ConnectAsync(host, port)</c>, which leaves Nagle's algorithm on. Default false;
    /// only for the benchmark that shows why we connect our own socket with NoDelay.
    /// </summary>
    public bool PlainConnect { get; init; }

    /// <summary>For logs: everything but the password.</summary>
    public override string ToString() =>
        $"{Host}:{Port} security={Security} user={(string.IsNullOrEmpty(UserName) ? "-" : UserName)} connections={Connections}";
}

/// <summary>The bounds of <see cref="SmtpOptions"/>, checked once when the host starts (see <see cref="SettingsBinder"/>).</summary>
public sealed class SmtpOptionsValidator : AbstractValidator<SmtpOptions>
{
    public SmtpOptionsValidator()
    {
        RuleFor(o => o.Port).Within(1, 65535);
        RuleFor(o => o.Security).Named();
        RuleFor(o => o.Connections).Within(1, 64);
        RuleFor(o => o.MessagesPerConnection).Within(1, 1_000_000);
        RuleFor(o => o.Timeout).AtLeast(TimeSpan.FromSeconds(1));
    }
}
