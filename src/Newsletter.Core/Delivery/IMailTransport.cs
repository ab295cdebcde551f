namespace Newsletter.Core.Delivery;

/// <summary>
/// Carries finished messages (declared here, where the pipeline uses it; the host picks the implementation).
/// A transport opens sessions; each delivery worker owns one session, which for SMTP is one open connection.
/// </summary>
/// <remarks>
/// Sessions are synchronous on purpose. Each delivery worker is a dedicated thread, like one of Postfix's smtp
/// processes, blocking on its own connection: the kernel wakes exactly that thread when the reply arrives. MailKit's
/// async path costs twice the CPU per message here (measured: ~130 against ~270 µs for 30 KB to smtp-sink), spent
/// handing every reply from the socket engine's thread to a pool thread. Callers in async code run a session on
/// <see cref="Task.Run(Action)"/>.
/// </remarks>
public interface IMailTransport
{
    /// <summary>A short description for logs and summaries, without secrets (e.g. <c>smtp 127.0.0.1:25</c>).</summary>
    string Description { get; }

    /// <summary>
    /// How many sessions the transport serves at once: the sender runs one worker (thread) per session. SMTP: the
    /// configured connections (<see cref="SmtpOptions.Connections"/>); the pickup folder: two (one disk).
    /// </summary>
    int MaxSessions { get; }

    /// <summary>Opens a session for messages of one batch (a campaign's folder name, or <c>test-sends</c>); blocks while connecting.</summary>
    /// <exception cref="DeliveryException">The transport cannot be reached or refused us.</exception>
    IMailSession OpenSession(string batchName, CancellationToken cancellationToken);
}

/// <summary>One worker's channel to the transport. Not thread-safe: one message at a time, on the calling thread.</summary>
public interface IMailSession : IDisposable
{
    /// <summary>Sends one message to its recipient, blocking until the server has answered (or the timeout).</summary>
    /// <param name="fileName">A stable name for the message within its batch (used by the pickup transport).</param>
    /// <param name="handOver">
    /// Called once the message is transmitted but for its end (SMTP's final line and dot, the pickup's rename); the
    /// session hands the message over for good when it returns, so a crash while it runs delivers nothing. An exception
    /// from it abandons the message. Null when there is nothing to wait for.
    /// An SMTP transaction that has begun always runs to its end or its timeout: there is no cancellation.
    /// </param>
    /// <returns>The server's reply (or a description of where the message went).</returns>
    /// <exception cref="DeliveryException">The message was not accepted; <see cref="DeliveryException.Kind"/> says what to do.</exception>
    string Send(OutgoingMessage message, string fileName, Action? handOver);

    /// <summary>
    /// Whether the next <see cref="Send(OutgoingMessage, string, Action?, OutgoingMessage?)"/> may announce a following
    /// message: SMTP with PIPELINING on an open connection. False by default (the caller then need not look ahead).
    /// </summary>
    bool Pipelining => false;

    /// <summary>
    /// The message whose transaction has begun behind the last message's end of data (its MAIL, RCPT and DATA are on the
    /// wire, its end is not), or null. The caller's next call must send it; any other call or <see cref="IDisposable.Dispose"/>
    /// abandons it unfinished (the connection is dropped, never ended with a dot, so nothing of it is delivered).
    /// </summary>
    OutgoingMessage? Announced => null;

    /// <summary>
    /// As <see cref="Send(OutgoingMessage, string, Action?)"/>; when <see cref="Pipelining"/>, also begins the transaction of
    /// <paramref name="next"/> behind this message's end of data (RFC 2920: one round trip per message), which
    /// <see cref="Announced"/> then says. This message's final reply decides this message only: a refusal of
    /// <paramref name="next"/>'s commands is thrown by the call that sends it, and when the connection ends before the
    /// server answered any of them, that call sends it again on a new connection.
    /// </summary>
    string Send(OutgoingMessage message, string fileName, Action? handOver, OutgoingMessage? next) => Send(message, fileName, handOver);
}

/// <summary>What a delivery failure means for the message and the campaign.</summary>
public enum DeliveryFailureKind
{
    /// <summary>4xx or a dropped connection: defer and retry later.</summary>
    Temporary,

    /// <summary>5xx on RCPT: this recipient fails permanently; the campaign goes on.</summary>
    RecipientRejected,

    /// <summary>5xx on MAIL FROM or DATA: this message fails; many in a row pause the campaign.</summary>
    MessageRejected,

    /// <summary>Authentication or TLS configuration failed: pause the campaign, nothing will get through.</summary>
    Configuration,
}

/// <summary>A message was not delivered. <see cref="Kind"/> tells the pipeline whether to retry, fail or pause.</summary>
public sealed class DeliveryException(DeliveryFailureKind kind, string reply, int statusCode = 0, Exception? inner = null)
    : Exception(reply, inner)
{
    public DeliveryFailureKind Kind { get; } = kind;

    /// <summary>The SMTP status code (e.g. 550), or 0 when there was no reply (dropped connection, local error).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The server's reply or a description of the failure, for the outbox and reports.</summary>
    public string Reply => Message;
}
