using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// What <see cref="FaultySmtpServer"/> does wrong, each a probability per command (0–1), drawn from a seeded random.
/// </summary>
public sealed record SmtpFaults
{
    /// <summary>421 on MAIL FROM, then the connection is closed.</summary>
    public double ShutdownOnMail { get; init; }

    /// <summary>451 on RCPT.</summary>
    public double TemporaryOnRcpt { get; init; }

    /// <summary>452 on RCPT.</summary>
    public double InsufficientStorageOnRcpt { get; init; }

    /// <summary>451 after the message data (the message is not accepted).</summary>
    public double TemporaryAfterData { get; init; }

    /// <summary>The connection is dropped in the middle of the message data.</summary>
    public double DropMidData { get; init; }

    /// <summary>No answer to the end of data for <see cref="StallTime"/>, then the connection is dropped (not accepted).</summary>
    public double StallAfterData { get; init; }

    public TimeSpan StallTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Recipients refused with 550 on RCPT.</summary>
    public IReadOnlySet<string> RejectedRecipients { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every MAIL FROM gets this 5xx reply (e.g. <c>554 5.7.1 sender blocked</c>), or null.</summary>
    public string? RejectAllMail { get; init; }

    /// <summary>Advertise AUTH and refuse every attempt with 535.</summary>
    public bool RefuseAuthentication { get; init; }

    /// <summary>Offer PIPELINING (RFC 2920), as Postfix does; off, the client must wait for each reply.</summary>
    public bool Pipelining { get; init; } = true;

    /// <summary>
    /// Answer DATA with 354 even when every recipient was refused (RFC 2920 says a server should not), then refuse the
    /// empty message with 554.
    /// </summary>
    public bool AcceptDataWithoutRecipients { get; init; }

    /// <summary>A pause before each accepted message's 250, to slow the server down.</summary>
    public TimeSpan AcceptDelay { get; init; }

    /// <summary>
    /// Scripted replies to the n-th MAIL FROM the server receives (1-based, over all connections), instead of 250;
    /// a reply starting with 421 also closes the connection.
    /// </summary>
    public IReadOnlyDictionary<int, string> MailScript { get; init; } = new Dictionary<int, string>();

    /// <summary>
    /// Scripted ends of the n-th message's data (1-based, over all connections): a reply instead of 250 (421 also closes
    /// the connection), <see cref="Drop"/> to close the connection without a reply, or <see cref="AcceptThenDrop"/> to
    /// accept the message with 250 and then close the connection, unread what followed.
    /// </summary>
    public IReadOnlyDictionary<int, string> DataScript { get; init; } = new Dictionary<int, string>();

    public const string Drop = "drop";

    public const string AcceptThenDrop = "accept-then-drop";
}

/// <summary>
/// A small SMTP server on loopback (ours, TcpListener-based) that injects faults: random 421/451/452, 550 for chosen
/// recipients, dropped connections mid-DATA and stalls. It records each message it accepted (answered 250 after
/// DATA) by Message-ID, so tests can check that every deliverable message arrived exactly once.
/// </summary>
public sealed class FaultySmtpServer : LoopbackTcpServer
{
    private readonly SmtpFaults _faults;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private int _pipelinedAfterRcpt;
    private int _pipelinedAfterData;
    private int _mails;
    private int _messages;

    public FaultySmtpServer(SmtpFaults faults, int seed) : base(backlog: 512)
    {
        _faults = faults;
        _random = new Random(seed);
        Start();
    }

    /// <summary>Accepted messages: Message-ID (without brackets) → how many times.</summary>
    public ConcurrentDictionary<string, int> Accepted { get; } = new(StringComparer.Ordinal);

    /// <summary>Accepted messages: Message-ID → the SHA-256 of the data as received (hex), to compare with what was sent.</summary>
    public ConcurrentDictionary<string, string> AcceptedData { get; } = new(StringComparer.Ordinal);

    /// <summary>Ends of data that had the client's next command behind them, sent before the end of data was answered.</summary>
    public int PipelinedAfterData => Volatile.Read(ref _pipelinedAfterData);

    /// <summary>How many faults of each kind were injected (by reply code or "drop"/"stall").</summary>
    public ConcurrentDictionary<string, int> Injected { get; } = new(StringComparer.Ordinal);

    /// <summary>RCPT commands whose next command (DATA, with one recipient) had arrived before RCPT was answered.</summary>
    public int PipelinedAfterRcpt => Volatile.Read(ref _pipelinedAfterRcpt);

    private bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }
        lock (_randomLock)
        {
            return _random.NextDouble() < probability;
        }
    }

    private void Count(string kind) => Injected.AddOrUpdate(kind, 1, (_, n) => n + 1);

    protected override async Task ServeAsync(TcpClient client, int connection)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = new SmtpLineReader(stream);
        var ct = Stopping;
        async Task Reply(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), ct);
        try
        {
            await Reply("220 faulty.test ESMTP");
            string? sender = null;
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(ct) is { } bytes)
            {
                var line = Encoding.Latin1.GetString(bytes);
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Reply("250-faulty.test\r\n" + (_faults.Pipelining ? "250-PIPELINING\r\n" : "")
                            + (_faults.RefuseAuthentication ? "250-AUTH PLAIN LOGIN\r\n" : "") + "250 8BITMIME");
                        break;
                    case "HELO":
                        await Reply("250 faulty.test");
                        break;
                    case "AUTH":
                        await Reply("535 5.7.8 authentication credentials invalid");
                        break;
                    case "MAIL":
                        if (_faults.MailScript.TryGetValue(Interlocked.Increment(ref _mails), out var scripted))
                        {
                            Count("mail-" + scripted[..3]);
                            await Reply(scripted);
                            if (scripted.StartsWith("421", StringComparison.Ordinal))
                            {
                                return;
                            }
                            break;
                        }
                        if (_faults.RejectAllMail is { } rejection)
                        {
                            Count(rejection[..3]);
                            await Reply(rejection);
                            break;
                        }
                        if (Roll(_faults.ShutdownOnMail))
                        {
                            Count("421");
                            await Reply("421 4.3.2 service shutting down");
                            return;
                        }
                        sender = line;
                        recipients.Clear();
                        await Reply("250 2.1.0 ok");
                        break;
                    case "RCPT":
                        if (reader.HasBuffered)
                        {
                            Interlocked.Increment(ref _pipelinedAfterRcpt);
                        }
                        var address = Address(line);
                        if (_faults.RejectedRecipients.Contains(address))
                        {
                            Count("550");
                            await Reply("550 5.1.1 <" + address + ">: no such user");
                        }
                        else if (Roll(_faults.TemporaryOnRcpt))
                        {
                            Count("451");
                            await Reply("451 4.3.0 try again later");
                        }
                        else if (Roll(_faults.InsufficientStorageOnRcpt))
                        {
                            Count("452");
                            await Reply("452 4.5.3 insufficient system storage");
                        }
                        else
                        {
                            recipients.Add(address);
                            await Reply("250 2.1.5 ok");
                        }
                        break;
                    case "DATA":
                        if (sender is not null && recipients.Count == 0 && _faults.AcceptDataWithoutRecipients)
                        {
                            Count("354-without-rcpt");
                            await Reply("354 end with <CRLF>.<CRLF>");
                            while (await reader.ReadLineAsync(ct) is { } ignored && ignored is not [(byte)'.'])
                            {
                            }
                            await Reply("554 5.5.1 no valid recipients");
                            sender = null;
                            break;
                        }
                        if (sender is null || recipients.Count == 0)
                        {
                            await Reply("503 5.5.1 need MAIL and RCPT first");
                            break;
                        }
                        await Reply("354 end with <CRLF>.<CRLF>");
                        var drop = Roll(_faults.DropMidData);
                        string? messageId = null;
                        var inHeaders = true;
                        var lines = 0;
                        var received = new MemoryStream();
                        while (true)
                        {
                            if (await reader.ReadLineAsync(ct) is not { } dataBytes)
                            {
                                return;   // the client went away mid-message: like any server, discard it
                            }
                            var data = Encoding.Latin1.GetString(dataBytes);
                            if (data == ".")
                            {
                                break;
                            }
                            received.Write(dataBytes);
                            received.Write("\r\n"u8);
                            if (drop && ++lines == 20)
                            {
                                Count("drop");
                                return;   // closes the socket mid-DATA
                            }
                            if (inHeaders)
                            {
                                if (data.Length == 0)
                                {
                                    inHeaders = false;
                                }
                                else if (data.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
                                {
                                    messageId = data["Message-ID:".Length..].Trim().Trim('<', '>');
                                }
                            }
                        }
                        if (reader.HasBuffered || client.Available > 0)
                        {
                            Interlocked.Increment(ref _pipelinedAfterData);   // arrived with the end of data, before its reply
                        }
                        if (_faults.DataScript.TryGetValue(Interlocked.Increment(ref _messages), out var end))
                        {
                            Count("data-" + (char.IsAsciiDigit(end[0]) ? end[..3] : end));
                            if (end == SmtpFaults.Drop)
                            {
                                return;
                            }
                            if (end != SmtpFaults.AcceptThenDrop)
                            {
                                await Reply(end);
                                if (end.StartsWith("421", StringComparison.Ordinal))
                                {
                                    return;
                                }
                                sender = null;
                                recipients.Clear();
                                break;
                            }
                        }
                        if (Roll(_faults.StallAfterData))
                        {
                            Count("stall");
                            await Task.Delay(_faults.StallTime, ct);
                            return;   // never answered: the client timed out
                        }
                        if (Roll(_faults.TemporaryAfterData))
                        {
                            Count("451-data");
                            await Reply("451 4.3.0 local error in processing");
                        }
                        else
                        {
                            if (_faults.AcceptDelay > TimeSpan.Zero)
                            {
                                await Task.Delay(_faults.AcceptDelay, ct);
                            }
                            Accepted.AddOrUpdate(messageId ?? "(none)", 1, (_, n) => n + 1);
                            AcceptedData[messageId ?? "(none)"] = Convert.ToHexString(SHA256.HashData(received.ToArray()));
                            await Reply("250 2.0.0 queued as " + Guid.NewGuid().ToString("N")[..10]);
                            if (end == SmtpFaults.AcceptThenDrop)
                            {
                                return;
                            }
                        }
                        sender = null;
                        recipients.Clear();
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
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
