namespace Newsletter.Core.Delivery;

/// <summary>
/// Carries finished messages (declared here, where the pipeline uses it; the host picks the implementation).
/// A transport opens sessions; each delivery worker owns one session, which for SMTP is one open connection.
/// </summary>
public interface IMailTransport
{
    /// <summary>A short description for logs and summaries, without secrets (e.g. <c>smtp 127.0.0.1:25</c>).</summary>
    string Description { get; }

    /// <summary>Opens a session for messages of one batch (a campaign's folder name, or <c>test-sends</c>).</summary>
    /// <exception cref="DeliveryException">The transport cannot be reached or refused us.</exception>
    Task<IMailSession> OpenSessionAsync(string batchName, CancellationToken cancellationToken);
}

/// <summary>One worker's channel to the transport. Not thread-safe: one message at a time.</summary>
public interface IMailSession : IAsyncDisposable
{
    /// <summary>Sends one message to its recipient.</summary>
    /// <param name="fileName">A stable name for the message within its batch (used by the pickup transport).</param>
    /// <param name="handOver">
    /// Completes when the message may be handed over for good. The session transmits all but the end of the message
    /// (SMTP's final line and dot, the pickup's rename) first and waits for it there, so a crash while waiting
    /// delivers nothing. A faulted task abandons the message. <see cref="Task.CompletedTask"/> when there is nothing to wait for.
    /// </param>
    /// <returns>The server's reply (or a description of where the message went).</returns>
    /// <exception cref="DeliveryException">The message was not accepted; <see cref="DeliveryException.Kind"/> says what to do.</exception>
    Task<string> SendAsync(OutgoingMessage message, string fileName, Task handOver, CancellationToken cancellationToken);
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
