using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Data;
using Newsletter.Data.Audience;
using Newsletter.Data.Delivery;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Newsletter.Benchmarks.Delivery;

/// <summary>
/// <c>send</c>: N personalised Chinese messages of about <c>--size</c> bytes through the real CampaignSender on a fresh
/// SQLite outbox to an SMTP server (smtp-sink, started by run.sh). <c>mime</c>: personalisation + MIME serialisation
/// alone on one thread. <c>bdn</c>: the same as a BenchmarkDotNet benchmark. One result line per run, key=value.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "help";
        var options = Options.Parse(args.Skip(1));
        switch (mode)
        {
            case "send":
                await SendAsync(options);
                return 0;
            case "transport":
                TransportOnly(options);
                return 0;
            case "record":
                await RecordAsync(options);
                return 0;
            case "mime":
                Mime(options);
                return 0;
            case "rsa":
                Rsa(options);
                return 0;
            case "bdn":
                BenchmarkRunner.Run<MimeBenchmarks>();
                return 0;
            default:
                Console.Error.WriteLine("usage: send --port P [--count N] [--connections C] [--size BYTES] [--nagle] [--dkim] [--ed25519] [--no-smtp] | transport --port P [--count N] [--connections C] | record [--count N] [--connections C] | mime [--count N] [--dkim] [--ed25519] | rsa [--count N] [--size BYTES] | bdn");
                return 2;
        }
    }

    private static async Task SendAsync(Options o)
    {
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var dbPath = Path.Combine(folder, "bench.db");
            await using var database = new NewsletterDatabase(new DatabaseOptions { ConnectionString = $"Data Source={dbPath}" });
            await database.EnsureMigratedAsync();
            var clock = Stopwatch.StartNew();
            await GenerateSubscribersAsync(database, o.Count);
            var generated = clock.Elapsed;

            var subscribers = new SqlSubscriberStore(database, TimeProvider.System);
            var store = new SqlCampaignStore(database, subscribers, TimeProvider.System);
            var messages = Factory(o.Dkim, folder, o.Ed25519);
            var variant = Calibrate(messages, o.Size);
            clock.Restart();
            var campaign = await store.CreateAsync(
                new NewCampaign("bench", variant.Subject, [Segments.Municipal], "bench.md", "bench", CampaignState.Running, null),
                [new StoredVariant(Segments.Municipal, variant.Subject, null, variant.Html.Source, variant.Text.Source)],
                new AudienceFilter([Segments.Municipal]), messages.NewMessageId);
            var created = clock.Elapsed;

            var smtp = new SmtpOptions
            {
                Host = "127.0.0.1", Port = o.Port, Security = SmtpSecurity.None, Connections = o.Connections,
                PlainConnect = o.Nagle, MessagesPerConnection = 1_000_000,
            };
            IMailTransport transport = o.NullTransport ? new SerialisingTransport(o.Connections) : new SmtpTransport(smtp);
            var sender = new CampaignSender(store, store, transport, messages, new BenchLinks(), new DeliveryOptions(),
                TimeProvider.System, NullLogger<CampaignSender>.Instance);
            clock.Restart();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var summary = await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);
            var elapsed = clock.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var sent = summary.Counts.Sum(c => c.Sent);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"engine={(o.NullTransport ? "ours-no-smtp" : "ours")} connections={o.Connections} nagle={(o.Nagle ? "on" : "off")} dkim={DkimName(o)} count={o.Count} sent={sent} " +
                $"size={MessageSize(messages, variant)} seconds={elapsed.TotalSeconds:F2} rate={sent / elapsed.TotalSeconds:F0} cpu_s={cpu.TotalSeconds:F2} msgs_per_cpu_s={sent / cpu.TotalSeconds:F0} " +
                $"generate_s={generated.TotalSeconds:F1} create_campaign_s={created.TotalSeconds:F1} peak_rss_mb={PeakRssMb():F0} gc_heap_mb={GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} gc_committed_mb={GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F0} live_after_full_gc_mb={LiveAfterFullGcMb():F0} state={summary.Campaign.State}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The SMTP transport alone (our pipelined transaction on MailKit's connection, NoDelay sockets): one prepared
    /// message sent <c>--count</c> times over <c>--connections</c> sessions, no outbox and no message building — the
    /// ceiling the engine can reach.
    /// </summary>
    private static void TransportOnly(Options o)
    {
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var messages = Factory(false, folder);
        var variant = Calibrate(messages, o.Size);
        var values = new RecipientValues("王局长", "王建国", "leader@xuchang.gov.cn", "https://bulletin.example.org/u/x", "https://bulletin.example.org/v/x");
        using var message = messages.Create(variant, new Recipient("leader@xuchang.gov.cn", "王建国", values), messages.NewMessageId(), 1, DateTimeOffset.UtcNow);
        var transport = new SmtpTransport(new SmtpOptions { Host = "127.0.0.1", Port = o.Port, Security = SmtpSecurity.None, MessagesPerConnection = 1_000_000 });
        var next = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        // One thread per connection, as the engine's workers.
        var threads = Enumerable.Range(0, o.Connections).Select(_ => new Thread(() =>
        {
            using var session = transport.OpenSession("bench", CancellationToken.None);
            while (Interlocked.Increment(ref next) <= o.Count)
            {
                session.Send(message, "m", handOver: null);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine=transport-only connections={o.Connections} count={o.Count} size={message.Data.Length} seconds={elapsed.TotalSeconds:F2} rate={o.Count / elapsed.TotalSeconds:F0} cpu_s={cpu.TotalSeconds:F2} msgs_per_cpu_s={o.Count / cpu.TotalSeconds:F0}"));
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The outbox alone: claim every row, then record outcomes in commits of <c>--connections</c> rows, as the workers do.</summary>
    private static async Task RecordAsync(Options o)
    {
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            await using var database = new NewsletterDatabase(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "bench.db")}" });
            await database.EnsureMigratedAsync();
            await GenerateSubscribersAsync(database, o.Count);
            var store = new SqlCampaignStore(database, new SqlSubscriberStore(database, TimeProvider.System), TimeProvider.System);
            var messages = Factory(false, folder);
            var variant = Calibrate(messages, 2000);
            var campaign = await store.CreateAsync(
                new NewCampaign("bench", variant.Subject, [Segments.Municipal], "bench.md", "bench", CampaignState.Running, null),
                [new StoredVariant(Segments.Municipal, variant.Subject, null, variant.Html.Source, variant.Text.Source)],
                new AudienceFilter([Segments.Municipal]), messages.NewMessageId);
            // As a run does: claim a batch, record its outcomes a few rows per commit, claim the next.
            var claimCpu = TimeSpan.Zero;
            var recordCpu = TimeSpan.Zero;
            var rows = 0;
            await using var writer = await store.OpenOutcomeWriterAsync(campaign.Id, "bench");
            while (true)
            {
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var now = DateTimeOffset.UtcNow;
                var batch = await store.ClaimAsync(campaign.Id, "bench", 200, now, now.AddMinutes(5));
                var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
                claimCpu += cpu1 - cpu0;
                if (batch.Count == 0)
                {
                    break;
                }
                foreach (var chunk in batch.Chunk(o.Connections))
                {
                    await writer.WriteAsync([.. chunk.Select(e => new DeliveryRecord(e.Id, e.SubscriberId, OutboxStatus.Sent, 1, "250 2.0.0 Ok: queued as 4ABCDEF", DateTimeOffset.UtcNow, null, false))]);
                }
                recordCpu += Process.GetCurrentProcess().TotalProcessorTime - cpu1;
                rows += batch.Count;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"engine=outbox count={rows} claim_us_per_row={claimCpu.TotalMilliseconds * 1000 / rows:F0} record_us_per_row={recordCpu.TotalMilliseconds * 1000 / rows:F0} rows_per_commit={o.Connections}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The floor of DKIM signing: CPU per RSA-2048 private-key operation through .NET's <c>RSA.TrySignHash</c> (what
    /// the signer calls), and per SHA-256 of a <c>--size</c> body, one thread, after a warm-up.
    /// </summary>
    private static void Rsa(Options o)
    {
        using var rsa = RSA.Create(2048);
        var hash = SHA256.HashData("DKIM"u8);
        var signature = new byte[256];
        var body = new byte[o.Size];
        Random.Shared.NextBytes(body);
        for (var i = 0; i < 200; i++)
        {
            rsa.TrySignHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _);
            SHA256.HashData(body, hash);
        }
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < o.Count; i++)
        {
            rsa.TrySignHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _);
        }
        var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < o.Count; i++)
        {
            SHA256.HashData(body, hash);
        }
        var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine=rsa-2048 count={o.Count} sign_us_cpu={(cpu1 - cpu0).TotalMicroseconds / o.Count:F0} sha256_us_cpu_per_{o.Size}_bytes={(cpu2 - cpu1).TotalMicroseconds / o.Count:F1}"));
    }

    private static void Mime(Options o)
    {
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var messages = Factory(o.Dkim, folder, o.Ed25519);
        var variant = Calibrate(messages, o.Size);
        var links = new BenchLinks();
        var date = DateTimeOffset.UtcNow;
        // Create is the whole cost now: the message comes out as the bytes every transport writes as they are.
        void One(int i)
        {
            var email = $"leader{i}@xuchang.gov.cn";
            var values = new RecipientValues("王局长", "王建国", email, links.UnsubscribeUrl(i, 1), links.ViewUrl(i, 1));
            using var message = messages.Create(variant, new Recipient(email, "王建国", values), messages.NewMessageId(), 1, date);
        }
        for (var i = 0; i < Math.Min(2000, o.Count); i++)
        {
            One(i);   // warm-up
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < o.Count; i++)
        {
            One(i);
        }
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine=mime-only threads=1 dkim={DkimName(o)} count={o.Count} size={MessageSize(messages, variant)} seconds={elapsed.TotalSeconds:F2} " +
            $"rate={o.Count / elapsed.TotalSeconds:F0} cpu_s={cpu.TotalSeconds:F2} msgs_per_cpu_s={o.Count / cpu.TotalSeconds:F0} alloc_kb_per_msg={allocated / 1024.0 / o.Count:F1} live_after_full_gc_mb={LiveAfterFullGcMb():F0}"));
        Directory.Delete(folder, recursive: true);
    }

    private static string DkimName(Options o) => o.Ed25519 ? "rsa+ed25519" : o.Dkim ? "rsa" : "off";

    /// <param name="ed25519">A second, Ed25519 signature besides the RSA-2048 one (RFC 8463 dual signing).</param>
    internal static MessageFactory Factory(bool dkim, string folder, bool ed25519 = false)
    {
        var sender = new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" };
        if (!dkim && !ed25519)
        {
            return new MessageFactory(sender);
        }
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(folder, "dkim.pem");
        File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());
        var options = new DkimOptions { Domain = "xcsti.example.org", Selector = "bench", KeyFile = keyFile };
        if (ed25519)
        {
            var edFile = Path.Combine(folder, "dkim-ed25519.pem");
            var key = new Ed25519PrivateKeyParameters(new SecureRandom());
            File.WriteAllText(edFile, new string(PemEncoding.Write("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded())));
            options = options with { Ed25519Selector = "bench-ed", Ed25519KeyFile = edFile };
        }
        return new MessageFactory(sender, options);
    }

    /// <summary>A bulletin-like variant whose messages serialise to about <paramref name="size"/> bytes.</summary>
    internal static ComposedVariant Calibrate(MessageFactory messages, int size)
    {
        const string paragraph = "许昌市新材料产业持续发力，超硬材料、尼龙新材料等重点企业产能稳步提升，行业动态与财经数据显示产业链协同效应明显。";
        var paragraphs = 1;
        while (true)
        {
            var variant = Variant(paragraph, paragraphs);
            var bytes = MessageSize(messages, variant);
            if (bytes >= size || paragraphs > 10_000)
            {
                return variant;
            }
            paragraphs = Math.Max(paragraphs + 1, (int)(paragraphs * (double)size / bytes * 0.98));
        }
    }

    private static ComposedVariant Variant(string paragraph, int count)
    {
        var html = new StringBuilder("<!doctype html><html><body><p>[[nl:salutation]]：</p>");
        var text = new StringBuilder("[[nl:salutation]]：\n\n");
        for (var i = 0; i < count; i++)
        {
            // Two thirds of the text in the HTML part, as a bulletin's markup weighs.
            html.Append("<p style=\"margin:0 0 12px;line-height:1.6\">").Append(paragraph).Append("</p>\n");
            if (i % 3 == 0)
            {
                text.Append(paragraph).Append("\n\n");
            }
        }
        html.Append("<p><a href=\"[[nl:view_url]]\">网页版</a> · <a href=\"[[nl:unsubscribe_url]]\">退订</a></p></body></html>");
        text.Append("退订：[[nl:unsubscribe_url]]\n");
        return new ComposedVariant("municipal", "许昌竞争情报快递 2026年第1期", null, SlotTemplate.Parse(html.ToString()), SlotTemplate.Parse(text.ToString()));
    }

    internal static long MessageSize(MessageFactory messages, ComposedVariant variant)
    {
        var values = new RecipientValues("王局长", "王建国", "leader@xuchang.gov.cn", "https://bulletin.example.org/u/abcdefghijklmnopqrstuvwxyz0123456789",
            "https://bulletin.example.org/v/abcdefghijklmnopqrstuvwxyz0123456789");
        using var message = messages.Create(variant, new Recipient("leader@xuchang.gov.cn", "王建国", values), messages.NewMessageId(), 1, DateTimeOffset.UtcNow);
        return message.Data.Length;
    }

    /// <summary>Subscribers written straight into the store's tables, in one transaction.</summary>
    private static async Task GenerateSubscribersAsync(NewsletterDatabase database, int count)
    {
        await using var connection = (SqliteConnection)await database.OpenConnectionAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var subscriber = connection.CreateCommand();
        subscriber.Transaction = transaction;
        subscriber.CommandText = """
            INSERT INTO subscribers (id, email, name, organisation, title, segments, district, industries, status, source, created_at, updated_at)
            VALUES ($id, $email, $name, '许昌市科学技术局', '局长', 'municipal', '魏都区', '新材料', 'active', 'bench', $now, $now)
            """;
        var id = subscriber.Parameters.Add("$id", SqliteType.Integer);
        var email = subscriber.Parameters.Add("$email", SqliteType.Text);
        var name = subscriber.Parameters.Add("$name", SqliteType.Text);
        subscriber.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow);
        await using var member = connection.CreateCommand();
        member.Transaction = transaction;
        member.CommandText = "INSERT INTO subscriber_segments (segment_key, subscriber_id, status) VALUES ('municipal', $id, 'active')";
        var memberId = member.Parameters.Add("$id", SqliteType.Integer);
        subscriber.Prepare();
        member.Prepare();
        for (var i = 1; i <= count; i++)
        {
            id.Value = i;
            email.Value = $"leader{i:D7}@{(i % 5 == 0 ? "xuchang.gov.cn" : "example.org")}";
            name.Value = "王" + i.ToString(CultureInfo.InvariantCulture);
            await subscriber.ExecuteNonQueryAsync();
            memberId.Value = i;
            await member.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static double LiveAfterFullGcMb()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
    }

    private static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}

internal sealed class BenchLinks : IRecipientLinks
{
    public string UnsubscribeUrl(long subscriberId, long campaignId) =>
        string.Create(CultureInfo.InvariantCulture, $"https://bulletin.example.org/u/{subscriberId}.{campaignId}.abcdefghijklmnopqrstuvwxyz012345");

    public string ViewUrl(long subscriberId, long campaignId) =>
        string.Create(CultureInfo.InvariantCulture, $"https://bulletin.example.org/v/{subscriberId}.{campaignId}.abcdefghijklmnopqrstuvwxyz012345");
}

/// <summary>A write-only stream that counts bytes: serialisation cost without I/O.</summary>
internal sealed class CountingStream : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Position;
    public override long Position { get; set; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Position += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Position += buffer.Length;
}

/// <summary>
/// Serialises each message as the SMTP transport would and drops it: the engine's cost without the wire and the server.
/// </summary>
internal sealed class SerialisingTransport(int sessions) : IMailTransport
{
    public string Description => "serialise and drop";

    public int MaxSessions => sessions;

    public IMailSession OpenSession(string batchName, CancellationToken cancellationToken) => new Session();

    private sealed class Session : IMailSession
    {
        private readonly CountingStream _sink = new();

        public string Send(OutgoingMessage message, string fileName, Action? handOver)
        {
            handOver?.Invoke();
            _sink.Write(message.Data.Span);
            return "250 dropped";
        }

        public void Dispose()
        {
        }
    }
}

internal sealed record Options(int Port, int Count, int Connections, int Size, bool Nagle, bool Dkim, bool NullTransport, bool Ed25519)
{
    public static Options Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        string? Value(string name) => list.IndexOf(name) is var i and >= 0 && i + 1 < list.Count ? list[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Int("--port", 2525), Int("--count", 20_000), Int("--connections", 4), Int("--size", 30_000),
            list.Contains("--nagle"), list.Contains("--dkim") || list.Contains("--ed25519"), list.Contains("--no-smtp"), list.Contains("--ed25519"));
    }
}

/// <summary>Personalisation + MIME serialisation of one ≈30 KB message, for BenchmarkDotNet.</summary>
[MemoryDiagnoser]
public class MimeBenchmarks
{
    private MessageFactory _messages = null!;
    private ComposedVariant _variant = null!;
    private readonly CountingStream _sink = new();
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _messages = Program.Factory(dkim: false, Path.GetTempPath());
        _variant = Program.Calibrate(_messages, 30_000);
    }

    [Benchmark]
    public long PersonaliseAndSerialise()
    {
        var i = _i++;
        var email = $"leader{i}@xuchang.gov.cn";
        var values = new RecipientValues("王局长", "王建国", email, "https://bulletin.example.org/u/x", "https://bulletin.example.org/v/x");
        using var message = _messages.Create(_variant, new Recipient(email, "王建国", values), _messages.NewMessageId(), 1, DateTimeOffset.UtcNow);
        _sink.Write(message.Data.Span);
        return _sink.Length;
    }
}
