using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Newsletter.Core.Delivery.Wire;

namespace Newsletter.Core.Delivery;

/// <summary>
/// SMTP through MailKit. Each session keeps one connection open across many messages and reconnects when
/// the server drops it or after <see cref="SmtpOptions.MessagesPerConnection"/> messages.
/// </summary>
public sealed class SmtpTransport(SmtpOptions options) : IMailTransport
{
    private readonly SmtpOptions _options = options;

    public string Description => $"smtp {_options.Host}:{_options.Port}";

    /// <summary><see cref="SmtpOptions.Connections"/>: one connection per session.</summary>
    public int MaxSessions => _options.Connections;

    public IMailSession OpenSession(string batchName, CancellationToken cancellationToken)
    {
        var session = new Session(_options);
        session.Connect(cancellationToken);
        return session;
    }

    private sealed class Session(SmtpOptions options) : IMailSession
    {
        private readonly MailKitMessage _message = new();
        private BulkSmtpClient? _client;
        private int _sentOnConnection;

        public void Connect(CancellationToken cancellationToken)
        {
            var client = new BulkSmtpClient
            {
                // Every read and write on the connection (greeting, EHLO, TLS, each reply) gets this long.
                Timeout = (int)options.Timeout.TotalMilliseconds,
                CheckCertificateRevocation = options.CheckCertificateRevocation,
            };
            if (!string.IsNullOrEmpty(options.LocalDomain))
            {
                client.LocalDomain = options.LocalDomain;
            }
            if (options.AcceptInvalidCertificates)
            {
                // An explicit opt-out for a lab relay with a self-signed certificate; off by default.
#pragma warning disable CA5359
                client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            }
            Socket? socket = null;
            try
            {
                if (options.PlainConnect)
                {
                    client.Connect(options.Host, options.Port, ToMailKit(options.Security), cancellationToken);
                }
                else
                {
                    socket = ConnectSocket(options.Host, options.Port, options.Timeout, cancellationToken);
                    // MailKit writes in 4 KB pieces; buffering them sends a message in one or two segments (a read
                    // flushes the buffer first, so a command is never held back while its reply is awaited).
                    var stream = new BufferedStream(new NetworkStream(socket, ownsSocket: true), 64 * 1024);
                    client.Connect(stream, options.Host, options.Port, ToMailKit(options.Security), cancellationToken);
                }
                if (!string.IsNullOrEmpty(options.UserName))
                {
                    // Like Postfix (smtp_sasl_security_options = noplaintext): no password in the clear unless asked for.
                    if (!client.IsSecure && options.Security != SmtpSecurity.None)
                    {
                        throw new DeliveryException(DeliveryFailureKind.Configuration,
                            $"{options.Host}:{options.Port} offers no TLS, so the password would cross the network unencrypted; " +
                            "ask for STARTTLS on the relay, or set Smtp:Security=None to allow it on a trusted network", 0);
                    }
                    client.Authenticate(options.UserName, options.Password ?? "", cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                socket?.Dispose();
                client.Dispose();
                throw e as DeliveryException ?? Classify(TimedOut(e, connecting: true), connecting: true);
            }
            _client = client;
            _sentOnConnection = 0;
        }

        public bool Pipelining => _client is { CanPipeline: true };

        public OutgoingMessage? Announced => _client?.Announced;

        public string Send(OutgoingMessage message, string fileName, Action? handOver) => Send(message, fileName, handOver, next: null);

        public string Send(OutgoingMessage message, string fileName, Action? handOver, OutgoingMessage? next)
        {
            var continuing = _client is { Announced: { } announced } && ReferenceEquals(announced, message);
            if (!continuing && (_client is not { IsConnected: true, Announced: null } || _sentOnConnection >= options.MessagesPerConnection))
            {
                // Also when another message's transaction was begun: dropping the connection abandons it unfinished.
                Close();
                Connect(CancellationToken.None);
            }
            // The next message goes on this connection only if the connection will still be open for it.
            var following = _sentOnConnection + 1 < options.MessagesPerConnection ? next : null;
            try
            {
                string reply;
                try
                {
                    reply = _client!.SendPrepared(message, _message, handOver, following);
                }
                catch (AnnouncementLostException)
                {
                    // The relay closed (or said 421) right after the previous message, before answering any command of
                    // this one: nothing of it was taken, so it goes again on a new connection at once, uncounted, as
                    // Postfix's smtp client retries a reused connection that fails before the message.
                    Close();
                    Connect(CancellationToken.None);
                    reply = _client!.SendPrepared(message, _message, handOver, following);
                }
                _sentOnConnection++;
                return reply;
            }
            catch (DeliveryException)
            {
                throw;   // the new connection could not be opened; said as when connecting
            }
            catch (Exception e)
            {
                var failure = Classify(TimedOut(e, connecting: false), connecting: false);
                if (failure.Kind is DeliveryFailureKind.Temporary && failure.StatusCode is 0 or 421)
                {
                    Close();   // the connection is gone or going; the next message reconnects
                }
                throw failure;
            }
        }

        public void Dispose() => Close();

        /// <summary>
        /// Connects a blocking socket with Nagle's algorithm off, within <paramref name="timeout"/>. MailKit's
        /// Connect(host, port) leaves Nagle on: messages over ~4 KB then wait for delayed ACKs and crawl at ~22/s per
        /// connection. And the socket must never be non-blocking, not even for an async connect: from then on .NET
        /// emulates every blocking read through its epoll thread, which costs as much CPU as the async path (measured:
        /// ~380 against ~150 µs per message). Linux bounds a blocking connect by the send timeout.
        /// </summary>
        private static Socket ConnectSocket(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var addresses = Dns.GetHostAddressesAsync(host, cancellationToken).WaitAsync(timeout, cancellationToken).GetAwaiter().GetResult();
            SocketException? last = null;
            foreach (var address in addresses)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                {
                    NoDelay = true,
                    SendTimeout = (int)timeout.TotalMilliseconds,
                };
                try
                {
                    socket.Connect(address, port);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    if (e.SocketErrorCode is SocketError.InProgress or SocketError.WouldBlock or SocketError.TimedOut)
                    {
                        throw new SocketException((int)SocketError.TimedOut);   // the send timeout ran out
                    }
                    last = e;   // refused or unreachable: try the host's next address
                }
            }
            throw last ?? new SocketException((int)SocketError.HostNotFound);
        }

        /// <summary>A timed-out read or write, or connect deadline, is said as such: a dropped connection with the setting to look at.</summary>
        private Exception TimedOut(Exception e, bool connecting)
        {
            var timedOut = e is OperationCanceledException or TimeoutException
                || (e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } })
                || (e is SocketException { SocketErrorCode: SocketError.TimedOut });
            if (!timedOut)
            {
                return e;
            }
            // A relay on an implicit-TLS port waits for a TLS handshake and never greets a plain client.
            var hint = connecting && options.Security != SmtpSecurity.SslOnConnect
                ? "; if the port expects TLS from the start (e.g. 465), set Smtp:Security=SslOnConnect"
                : "";
            return new TimeoutException($"no answer from {options.Host}:{options.Port} within {options.Timeout.TotalSeconds:0.#} s (Smtp:Timeout){hint}", e);
        }

        private void Close()
        {
            if (_client is null)
            {
                return;
            }
            try
            {
                if (_client.IsConnected && _client.Announced is not null)
                {
                    // A begun transaction (a message announced, then not sent): QUIT would land in its data. Dropping
                    // the connection ends it unfinished, so nothing of it is delivered.
                    _client.Disconnect(quit: false);
                }
                else if (_client.IsConnected)
                {
                    _client.Timeout = 5000;
                    _client.Disconnect(quit: true);
                }
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or OperationCanceledException or SocketException or SmtpCommandException)
            {
                // The server already went away; nothing left to close politely.
            }
            _client.Dispose();
            _client = null;
        }
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    /// <summary>Maps MailKit's exceptions to what the pipeline should do with the message.</summary>
    internal static DeliveryException Classify(Exception e, bool connecting)
    {
        switch (e)
        {
            case SmtpCommandException command:
                var code = (int)command.StatusCode;
                var reply = $"{code} {command.Message}".Trim();
                if (code is >= 400 and < 500)
                {
                    return new DeliveryException(DeliveryFailureKind.Temporary, reply, code, e);
                }
                return command.ErrorCode switch
                {
                    SmtpErrorCode.RecipientNotAccepted => new DeliveryException(DeliveryFailureKind.RecipientRejected, reply, code, e),
                    _ when connecting => new DeliveryException(DeliveryFailureKind.Configuration, reply, code, e),
                    _ => new DeliveryException(DeliveryFailureKind.MessageRejected, reply, code, e),
                };
            case AuthenticationException:
                return new DeliveryException(DeliveryFailureKind.Configuration,
                    $"SMTP authentication failed: {e.Message} (check Smtp:UserName and Smtp:Password)", 535, e);
            case SslHandshakeException:
                return new DeliveryException(DeliveryFailureKind.Configuration,
                    $"TLS handshake failed: {e.Message} (check Smtp:Security and the relay's certificate; Smtp:AcceptInvalidCertificates=true only for a lab relay)", 0, e);
            case NotSupportedException:
                return new DeliveryException(DeliveryFailureKind.Configuration, $"{e.Message} (check Smtp:Security, Smtp:UserName)", 0, e);
            default:
                // Dropped connections, timeouts, protocol garbage, refused connects: try again later.
                return new DeliveryException(DeliveryFailureKind.Temporary,
                    $"{(connecting ? "cannot connect" : "connection lost")}: {e.Message}", 0, e);
        }
    }
}
