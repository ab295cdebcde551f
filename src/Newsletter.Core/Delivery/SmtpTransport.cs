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
    private readonly SmtpOptions _options = options.Normalized();

    public string Description => $"smtp {_options.Host}:{_options.Port}";

    public async Task<IMailSession> OpenSessionAsync(string batchName, CancellationToken cancellationToken)
    {
        var session = new Session(_options);
        await session.ConnectAsync(cancellationToken);
        return session;
    }

    private sealed class Session(SmtpOptions options) : IMailSession
    {
        private readonly MailKitMessage _message = new();
        private SmtpClient? _client;
        private int _sentOnConnection;

        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            var client = new BulkSmtpClient
            {
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
            // MailKit's ConnectAsync(host, port) leaves Nagle's algorithm on: messages over ~4 KB then wait for
            // delayed ACKs and crawl at ~22/s per connection. Connect the socket ourselves with NoDelay, and hand MailKit
            // a stream over it (measured: a third less CPU per message than handing it the Socket). Async reads on it
            // ignore ReadTimeout, so every operation gets a cancellation deadline instead.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var deadline = Deadline(cancellationToken);
                if (options.PlainConnect)
                {
                    socket.Dispose();
                    await client.ConnectAsync(options.Host, options.Port, ToMailKit(options.Security), deadline.Token);
                }
                else
                {
                    await socket.ConnectAsync(options.Host, options.Port, deadline.Token);
                    // MailKit writes in 4 KB pieces; buffering them sends a message in one or two segments (a read
                    // flushes the buffer first, so a command is never held back while its reply is awaited).
                    var stream = new BufferedStream(new NetworkStream(socket, ownsSocket: true), 64 * 1024);
                    await client.ConnectAsync(stream, options.Host, options.Port, ToMailKit(options.Security), deadline.Token);
                }
                if (!string.IsNullOrEmpty(options.UserName))
                {
                    await client.AuthenticateAsync(options.UserName, options.Password ?? "", deadline.Token);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                client.Dispose();
                throw Classify(TimedOut(e, connecting: true), connecting: true);
            }
            _client = client;
            _sentOnConnection = 0;
        }

        public async Task<string> SendAsync(OutgoingMessage message, string fileName, Task handOver, CancellationToken cancellationToken)
        {
            if (_client is not { IsConnected: true } || _sentOnConnection >= options.MessagesPerConnection)
            {
                await CloseAsync();
                await ConnectAsync(cancellationToken);
            }
            try
            {
                using var deadline = Deadline(cancellationToken);
                var reply = await _client!.SendAsync(_message.Wrap(message, handOver), message.EnvelopeFrom, [message.Recipient], deadline.Token);
                _sentOnConnection++;
                return reply;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failure = Classify(TimedOut(e, connecting: false), connecting: false);
                if (failure.Kind is DeliveryFailureKind.Temporary && failure.StatusCode is 0 or 421)
                {
                    await CloseAsync();   // the connection is gone or going; the next message reconnects
                }
                throw failure;
            }
        }

        public async ValueTask DisposeAsync() => await CloseAsync();

        private CancellationTokenSource Deadline(CancellationToken cancellationToken)
        {
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.Timeout);
            return deadline;
        }

        /// <summary>A cancellation that the caller did not ask for is our deadline: say so, as a dropped connection.</summary>
        private Exception TimedOut(Exception e, bool connecting)
        {
            if (e is not OperationCanceledException)
            {
                return e;
            }
            // A relay on an implicit-TLS port waits for a TLS handshake and never greets a plain client.
            var hint = connecting && options.Security != SmtpSecurity.SslOnConnect
                ? "; if the port expects TLS from the start (e.g. 465), set Smtp:Security=SslOnConnect"
                : "";
            return new TimeoutException($"no answer from {options.Host}:{options.Port} within {options.Timeout.TotalSeconds:0.#} s (Smtp:Timeout){hint}", e);
        }

        private async Task CloseAsync()
        {
            if (_client is null)
            {
                return;
            }
            try
            {
                if (_client.IsConnected)
                {
                    using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _client.DisconnectAsync(quit: true, quit.Token);
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

    /// <summary>
    /// MailKit's client, minus two passes over every message: for the <c>SIZE=</c> parameter of MAIL FROM it would
    /// write every message once just to count its bytes. SIZE= is optional (RFC 1870), so we leave it out — except
    /// when the server offers CHUNKING, whose BDAT command needs the size. And it would prepare (re-encode) the MIME
    /// parts, which <see cref="MessageFactory"/> wrote 7-bit already.
    /// </summary>
    private sealed class BulkSmtpClient : SmtpClient
    {
        protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
        {
        }

        protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            (Capabilities & SmtpCapabilities.Chunking) != 0 ? base.GetSize(options, message, cancellationToken) : -1;

        protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            (Capabilities & SmtpCapabilities.Chunking) != 0 ? base.GetSizeAsync(options, message, cancellationToken) : Task.FromResult(-1L);
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
