using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Newsletter.Testing;

/// <summary>How <see cref="TlsSmtpServer"/> offers TLS.</summary>
public enum SmtpServerTls
{
    /// <summary>Plain SMTP; STARTTLS is not advertised.</summary>
    None,

    /// <summary>Plain greeting; STARTTLS advertised in EHLO (a submission port 587 or an MX on 25).</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, port 465).</summary>
    Implicit,
}

/// <summary>What <see cref="TlsSmtpServer"/> offers and requires.</summary>
public sealed record TlsSmtpServerOptions
{
    public SmtpServerTls Tls { get; init; } = SmtpServerTls.StartTls;

    /// <summary>The server certificate, with its private key; required unless <see cref="Tls"/> is None.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>When set (with <see cref="Password"/>), AUTH is advertised and MAIL is refused with 530 until it succeeded.</summary>
    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The SASL mechanisms advertised; default PLAIN and LOGIN.</summary>
    public IReadOnlyList<string> AuthMechanisms { get; init; } = ["PLAIN", "LOGIN"];

    /// <summary>Offer AUTH only inside TLS (Postfix's <c>smtpd_tls_auth_only</c>); default true unless <see cref="Tls"/> is None.</summary>
    public bool? AuthOnlyAfterTls { get; init; }

    /// <summary>Clock of the receive timestamps; default the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>One message the server accepted (answered 250 after DATA).</summary>
/// <param name="Connection">The number of the connection it came on (1-based, in accept order).</param>
/// <param name="MailAt">When MAIL FROM arrived: the start of the transaction.</param>
/// <param name="ReceivedAt">When the end of data arrived.</param>
public sealed record ReceivedSmtpMessage(int Connection, string MailFrom, IReadOnlyList<string> Recipients, byte[] Data,
    bool OverTls, SslProtocols Protocol, string? AuthenticatedAs, DateTimeOffset MailAt, DateTimeOffset ReceivedAt)
{
    /// <summary>The Message-ID header, without angle brackets, or null.</summary>
    public string? MessageId
    {
        get
        {
            foreach (var line in Encoding.UTF8.GetString(Data).Split("\r\n"))
            {
                if (line.Length == 0)
                {
                    return null;
                }
                if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
                {
                    return line["Message-ID:".Length..].Trim().Trim('<', '>');
                }
            }
            return null;
        }
    }
}

/// <summary>One AUTH exchange: the mechanism, the user the client named and whether the password matched.</summary>
public sealed record SmtpAuthAttempt(string Mechanism, string? UserName, bool Succeeded, bool OverTls);

/// <summary>
/// An SMTP server on loopback (ours, TcpListener + SslStream) that speaks STARTTLS or implicit TLS with a given
/// certificate, AUTH PLAIN / LOGIN against one configured user, PIPELINING and 8BITMIME, and records every accepted
/// message with its envelope, bytes (dot-unstuffed), TLS state, authenticated user and timestamps. It exists because
/// the real servers on this machine (Postfix's smtp-sink) speak neither TLS nor AUTH; Postfix's smtpd could, but needs
/// a configured mail system around it.
/// </summary>
public sealed class TlsSmtpServer : LoopbackTcpServer
{
    private readonly TlsSmtpServerOptions _options;
    private int _handshakeFailures;
    private int _pipelined;

    public TlsSmtpServer(TlsSmtpServerOptions options) : base(backlog: 128)
    {
        if (options.Tls != SmtpServerTls.None && options.Certificate is null)
        {
            throw new ArgumentException("a TLS server needs a certificate", nameof(options));
        }
        _options = options;
        Start();
    }

    /// <summary>Accepted messages, in the order their data ended.</summary>
    public ConcurrentQueue<ReceivedSmtpMessage> Received { get; } = new();

    public ConcurrentQueue<SmtpAuthAttempt> AuthAttempts { get; } = new();

    /// <summary>Every line the clients sent outside DATA (AUTH payloads included), for tests that look for leaks.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Commands that arrived while an earlier one still awaited its reply (the client used PIPELINING).</summary>
    public int PipelinedCommands => Volatile.Read(ref _pipelined);

    /// <summary>
    /// TLS handshakes that failed on the server's side. With TLS 1.3 the server's side completes before the client has
    /// judged the certificate, so a client refusing it shows up as a connection that ends without a command instead.
    /// </summary>
    public int HandshakeFailures => Volatile.Read(ref _handshakeFailures);

    private bool AuthOffered => _options.UserName is not null;

    private bool AuthOnlyAfterTls => _options.AuthOnlyAfterTls ?? _options.Tls != SmtpServerTls.None;

    protected override async Task ServeAsync(TcpClient client, int connection)
    {
        using var _ = client;
        client.NoDelay = true;
        var ct = Stopping;
        Stream stream = client.GetStream();
        SslStream? tls = null;
        try
        {
            if (_options.Tls == SmtpServerTls.Implicit)
            {
                tls = await HandshakeAsync(stream, ct);
                if (tls is null)
                {
                    return;
                }
                stream = tls;
            }
            var reader = new SmtpLineReader(stream);
            async Task Reply(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text + "\r\n"), ct);

            await Reply("220 tls.test ESMTP");
            var greeted = false;
            string? authenticated = null;
            string? sender = null;
            var mailAt = default(DateTimeOffset);
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(ct) is { } bytes)
            {
                var line = Encoding.UTF8.GetString(bytes);
                Commands.Enqueue(line);
                if (reader.HasBuffered)
                {
                    Interlocked.Increment(ref _pipelined);
                }
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
                var argument = space < 0 ? "" : line[(space + 1)..];
                switch (verb)
                {
                    case "EHLO":
                        greeted = true;
                        sender = null;
                        recipients.Clear();
                        var lines = new List<string> { "tls.test", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES" };
                        if (_options.Tls == SmtpServerTls.StartTls && tls is null)
                        {
                            lines.Add("STARTTLS");
                        }
                        if (AuthOffered && (tls is not null || !AuthOnlyAfterTls))
                        {
                            lines.Add("AUTH " + string.Join(' ', _options.AuthMechanisms));
                        }
                        await Reply(string.Join("\r\n", lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l)));
                        break;
                    case "HELO":
                        greeted = true;
                        await Reply("250 tls.test");
                        break;
                    case "STARTTLS":
                        if (_options.Tls != SmtpServerTls.StartTls || tls is not null)
                        {
                            await Reply("502 5.5.1 STARTTLS not available");
                            break;
                        }
                        await Reply("220 2.0.0 ready to start TLS");
                        // RFC 3207: anything the client pipelined after STARTTLS is discarded (the plaintext injection attack).
                        reader.DiscardBuffered();
                        tls = await HandshakeAsync(stream, ct);
                        if (tls is null)
                        {
                            return;
                        }
                        stream = tls;
                        reader = new SmtpLineReader(stream);
                        greeted = false;
                        authenticated = null;
                        sender = null;
                        recipients.Clear();
                        break;
                    case "AUTH":
                        if (!AuthOffered || (AuthOnlyAfterTls && tls is null))
                        {
                            await Reply("503 5.5.1 AUTH not available");
                            break;
                        }
                        if (authenticated is not null)
                        {
                            await Reply("503 5.5.1 already authenticated");
                            break;
                        }
                        authenticated = await AuthenticateAsync(argument, reader, Reply, tls is not null, ct);
                        break;
                    case "MAIL":
                        if (!greeted)
                        {
                            await Reply("503 5.5.1 send EHLO first");
                        }
                        else if (AuthOffered && authenticated is null)
                        {
                            await Reply("530 5.7.0 authentication required");
                        }
                        else
                        {
                            sender = Address(argument);
                            mailAt = _options.Time.GetUtcNow();
                            recipients.Clear();
                            await Reply("250 2.1.0 ok");
                        }
                        break;
                    case "RCPT":
                        if (sender is null)
                        {
                            await Reply("503 5.5.1 need MAIL first");
                            break;
                        }
                        recipients.Add(Address(argument));
                        await Reply("250 2.1.5 ok");
                        break;
                    case "DATA":
                        if (sender is null || recipients.Count == 0)
                        {
                            await Reply("503 5.5.1 need MAIL and RCPT first");
                            break;
                        }
                        await Reply("354 end with <CRLF>.<CRLF>");
                        var data = new MemoryStream();
                        while (true)
                        {
                            if (await reader.ReadLineAsync(ct) is not { } dataLine)
                            {
                                return;   // the client went away mid-message: like any server, discard it
                            }
                            if (dataLine is [(byte)'.'])
                            {
                                break;
                            }
                            var unstuffed = dataLine is [(byte)'.', ..] ? dataLine.AsSpan(1) : dataLine;
                            data.Write(unstuffed);
                            data.Write("\r\n"u8);
                        }
                        Received.Enqueue(new ReceivedSmtpMessage(connection, sender, [.. recipients], data.ToArray(), tls is not null,
                            tls?.SslProtocol ?? SslProtocols.None, authenticated, mailAt, _options.Time.GetUtcNow()));
                        sender = null;
                        recipients.Clear();
                        await Reply("250 2.0.0 queued as " + Guid.NewGuid().ToString("N")[..10]);
                        break;
                    case "RSET":
                        sender = null;
                        recipients.Clear();
                        await Reply("250 2.0.0 ok");
                        break;
                    case "NOOP":
                        await Reply("250 2.0.0 ok");
                        break;
                    case "QUIT":
                        await Reply("221 2.0.0 bye");
                        return;
                    default:
                        await Reply("502 5.5.2 command not recognised");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // The client went away, or the server is stopping.
        }
        finally
        {
            if (tls is not null)
            {
                await tls.DisposeAsync();
            }
        }
    }

    /// <returns>The TLS stream, or null when the client gave up the handshake (e.g. it refused our certificate).</returns>
    private async Task<SslStream?> HandshakeAsync(Stream inner, CancellationToken ct)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _options.Certificate,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, ct);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            Interlocked.Increment(ref _handshakeFailures);
            await tls.DisposeAsync();
            return null;
        }
    }

    /// <returns>The authenticated user, or null.</returns>
    private async Task<string?> AuthenticateAsync(string argument, SmtpLineReader reader, Func<string, Task> reply, bool overTls, CancellationToken ct)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        if (!_options.AuthMechanisms.Contains(mechanism, StringComparer.OrdinalIgnoreCase))
        {
            await reply("504 5.5.4 unrecognised authentication mechanism");
            return null;
        }
        async Task<string?> Ask(string challenge)
        {
            await reply("334 " + challenge);
            var line = await reader.ReadLineAsync(ct);
            var text = line is null ? null : Encoding.ASCII.GetString(line);
            if (text is not null)
            {
                Commands.Enqueue(text);
            }
            return text is null or "*" ? null : text;
        }
        string? user, password;
        try
        {
            if (mechanism == "PLAIN")
            {
                var response = parts.Length > 1 && parts[1] != "=" ? parts[1] : await Ask("");
                if (response is null)
                {
                    await reply("501 5.7.0 authentication cancelled");
                    return null;
                }
                var fields = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                (user, password) = fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
            }
            else
            {
                user = parts.Length > 1 ? Decode(parts[1]) : Decode(await Ask(Convert.ToBase64String("Username:"u8)));
                password = user is null ? null : Decode(await Ask(Convert.ToBase64String("Password:"u8)));
            }
        }
        catch (FormatException)
        {
            await reply("501 5.5.2 cannot decode response");
            return null;
        }
        var ok = user == _options.UserName && password == _options.Password;
        AuthAttempts.Enqueue(new SmtpAuthAttempt(mechanism, user, ok, overTls));
        await reply(ok ? "235 2.7.0 authentication successful" : "535 5.7.8 authentication credentials invalid");
        return ok ? user : null;
    }

    private static string? Decode(string? base64) => base64 is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    private static string Address(string argument)
    {
        var start = argument.IndexOf('<', StringComparison.Ordinal);
        var end = argument.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? argument[(start + 1)..end] : argument[(argument.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
