using System.Text;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Core.Audience;
using Newsletter.Core.Bounces;
using Newsletter.Data.Audience;
using Newsletter.Data.Bounces;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Bounces;

/// <summary>The bounce policy and matching over a real database (SQLite file, PostgreSQL database).</summary>
public abstract class BounceProcessorTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private const string Secret = "bounce-test-secret-0123456789";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly SubscriberTokens _tokens = SubscriberTokens.FromText(Secret);
    private readonly VerpAddresses _verp = new("bounces+{token}@xcsti.example.org", Encoding.UTF8.GetBytes(Secret));
    private TDatabase _db = null!;
    private NewsletterDatabase _database = null!;
    private SqlSubscriberStore _subscribers = null!;
    private SqlBounceStore _bounces = null!;
    private BounceProcessor _processor = null!;

    public async Task InitializeAsync()
    {
        _db = new TDatabase();
        _database = _db.Open();
        _subscribers = new SqlSubscriberStore(_database, _time);
        _bounces = new SqlBounceStore(_database);
        _processor = new BounceProcessor(new BounceParser(), _bounces, _subscribers, _tokens, new BounceOptions(), _time, _verp);
        await _database.EnsureMigratedAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Subscriber> AddAsync(string email) =>
        await _subscribers.AddAsync(new SubscriberDraft(email, "王建国", "许昌市科学技术局", "局长", [Segments.Municipal], "魏都区", []));

    /// <summary>A campaign with one outbox row per subscriber; returns the outbox ids.</summary>
    private async Task<(long Campaign, long[] Outbox)> CampaignAsync(params Subscriber[] recipients)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var insert = connection.Command("""
            INSERT INTO campaigns (issue_key, segments_key, segments, title, state, source_path, source_text, created_at, updated_at)
            VALUES ('2026-01', 'municipal', 'municipal', '许昌竞争情报快递', 'completed', 'x.md', '', @now, @now)
            """).With("@now", _time.GetUtcNow());
        await insert.ExecuteNonQueryAsync();
        await using var idCommand = connection.Command("SELECT MAX(id) FROM campaigns");
        var campaign = Convert.ToInt64(await idCommand.ExecuteScalarAsync());
        var ids = new List<long>();
        foreach (var s in recipients)
        {
            await using var row = connection.Command("""
                INSERT INTO outbox (campaign_id, subscriber_id, variant, status, message_id) VALUES (@c, @s, 'municipal', 'sent', @m)
                """).With("@c", campaign).With("@s", s.Id).With("@m", $"m{s.Id}-{campaign}@xcsti.example.org");
            await row.ExecuteNonQueryAsync();
            await using var last = connection.Command("SELECT MAX(id) FROM outbox");
            ids.Add(Convert.ToInt64(await last.ExecuteScalarAsync()));
        }
        return (campaign, ids.ToArray());
    }

    private static byte[] Dsn(string reportId, string recipient, string status, string diagnostic, string? originalMessageId = null,
        string to = "bulletin@xcsti.example.org", string action = "failed") =>
        Encoding.UTF8.GetBytes($"""
            From: MAILER-DAEMON@relay.xcsti.example.org (Mail Delivery System)
            To: {to}
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <{reportId}@relay.xcsti.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.xcsti.example.org

            Final-Recipient: rfc822; {recipient}
            Action: {action}
            Status: {status}
            Diagnostic-Code: smtp; {diagnostic}

            --B
            Content-Type: text/rfc822-headers

            From: bulletin@xcsti.example.org
            To: {recipient}
            Message-ID: <{originalMessageId ?? "unknown@elsewhere.example"}>

            --B--
            """.ReplaceLineEndings("\r\n"));

    [Fact]
    public async Task Hard_bounce_matched_by_message_id_marks_bounced_once_even_when_processed_twice()
    {
        var wang = await AddAsync("wang@xuchang.gov.cn");
        var li = await AddAsync("li@xuchang.gov.cn");
        var (campaign, outbox) = await CampaignAsync(wang, li);
        var report = Dsn("r1", "wang@xuchang.gov.cn", "5.1.1", "550 5.1.1 User unknown", $"m{wang.Id}-{campaign}@xcsti.example.org");

        var first = await _processor.ProcessAsync(report);
        var again = await _processor.ProcessAsync(report);

        Assert.Equal((1, 0), (first.Stored, first.Unmatched));
        Assert.Equal(["wang@xuchang.gov.cn → bounced"], first.Changes);
        Assert.Equal((0, 0), (again.Stored, again.Changes.Count));
        Assert.Equal(SubscriberStatus.Bounced, (await _subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(li.Id))!.Status);
        var stored = Assert.Single(await _bounces.ListAsync(new BounceQuery(CampaignId: campaign)));
        Assert.Equal((MatchedBy.MessageId, outbox[0], wang.Id, BounceClass.Hard, "5.1.1", 550), (stored.MatchedBy, stored.OutboxId, stored.SubscriberId, stored.Class, stored.Status, stored.SmtpCode));
        Assert.Equal(new BounceCounts(1, 0, 0), await _bounces.CountForCampaignAsync(campaign));
    }

    [Fact]
    public async Task Soft_bounces_mark_bounced_only_at_the_limit_within_the_window()
    {
        var zhao = await AddAsync("zhao@xuchang.gov.cn");
        await _processor.ProcessAsync(Dsn("s0", zhao.Email, "5.2.2", "552 5.2.2 Mailbox full"));
        _time.Advance(TimeSpan.FromDays(31));   // the first one falls out of the 30-day window
        await _processor.ProcessAsync(Dsn("s1", zhao.Email, "5.2.2", "552 5.2.2 Mailbox full"));
        await _processor.ProcessAsync(Dsn("s2", zhao.Email, "4.4.7", "delivery time expired", action: "delayed"));
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(zhao.Id))!.Status);

        var third = await _processor.ProcessAsync(Dsn("s3", zhao.Email, "5.7.1", "554 5.7.1 blocked by policy"));

        Assert.Equal(["zhao@xuchang.gov.cn → bounced"], third.Changes);
        Assert.Equal(SubscriberStatus.Bounced, (await _subscribers.FindByIdAsync(zhao.Id))!.Status);
        Assert.Equal(4, (await _bounces.ListAsync(new BounceQuery(SubscriberId: zhao.Id, Class: BounceClass.Soft))).Count);
    }

    [Fact]
    public async Task Complaint_marks_complained_and_autoreply_changes_nothing()
    {
        var sun = await AddAsync("sun@xcqy.example.cn");
        var qian = await AddAsync("qian@xcqy.example.cn");
        var arf = Encoding.UTF8.GetBytes("""
            From: feedback@fbl.example.net
            To: abuse@xcsti.example.org
            Subject: complaint
            Message-ID: <arf-1@fbl.example.net>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="B"

            --B
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            Version: 1
            Original-Rcpt-To: <sun@xcqy.example.cn>

            --B--
            """.ReplaceLineEndings("\r\n"));
        var vacation = Encoding.UTF8.GetBytes("From: qian@xcqy.example.cn\r\nTo: bulletin@xcsti.example.org\r\nSubject: 自动回复: 许昌竞争情报快递\r\nAuto-Submitted: auto-replied\r\n\r\n我正在休假。\r\n");

        Assert.Equal(["sun@xcqy.example.cn → complained"], (await _processor.ProcessAsync(arf)).Changes);
        var auto = await _processor.ProcessAsync(vacation);

        Assert.Equal(ReportKind.AutoReply, auto.Report.Kind);
        Assert.Equal((0, 0), (auto.Stored, auto.Changes.Count));
        Assert.Equal(SubscriberStatus.Complained, (await _subscribers.FindByIdAsync(sun.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(qian.Id))!.Status);
    }

    [Fact]
    public async Task Unmatched_report_is_kept_and_counted_never_guessed()
    {
        await AddAsync("wang@xuchang.gov.cn");
        var outcome = await _processor.ProcessAsync(Dsn("u1", "nobody@elsewhere.example", "5.1.1", "550 5.1.1 User unknown"));
        Assert.Equal((1, 1), (outcome.Stored, outcome.Unmatched));
        var stored = Assert.Single(await _bounces.ListAsync(new BounceQuery()));
        Assert.Equal((MatchedBy.None, (long?)null), (stored.MatchedBy, stored.SubscriberId));
    }

    [Fact]
    public async Task Verp_return_path_names_the_outbox_row_and_a_forged_one_does_not()
    {
        var wang = await AddAsync("wang@xuchang.gov.cn");
        var (_, outbox) = await CampaignAsync(wang);
        var verp = _verp.Create(outbox[0]);
        Assert.True(verp.IndexOf('@') <= 64, verp);

        var forged = verp.Replace(outbox[0] + ".", outbox[0] + 1 + ".", StringComparison.Ordinal);
        var viaForged = await _processor.ProcessAsync(Dsn("v0", "wang@xuchang.gov.cn", "5.1.1", "550 5.1.1 User unknown", to: forged));
        Assert.Equal(MatchedBy.Address, Assert.Single(await _bounces.ListAsync(new BounceQuery())).MatchedBy);
        Assert.Equal(["wang@xuchang.gov.cn → bounced"], viaForged.Changes);

        await _processor.ProcessAsync(Dsn("v1", "wang@xuchang.gov.cn", "5.1.1", "550 5.1.1 User unknown", to: verp));
        var stored = (await _bounces.ListAsync(new BounceQuery())).Single(b => b.ReportKey.StartsWith("mid:v1", StringComparison.Ordinal));
        Assert.Equal((MatchedBy.Verp, outbox[0]), (stored.MatchedBy, stored.OutboxId));
    }

    [Fact]
    public async Task Mail_to_the_unsubscribe_address_unsubscribes_exactly_its_subscriber_and_a_forged_token_nothing()
    {
        var wang = await AddAsync("wang@xuchang.gov.cn");
        var li = await AddAsync("li@xuchang.gov.cn");
        var token = _tokens.Create(TokenPurpose.Unsubscribe, wang.Id, 7);
        var forgedToken = _tokens.Create(TokenPurpose.Unsubscribe, li.Id, 7)[..^2] + "AA";
        static byte[] Mail(string to) => Encoding.UTF8.GetBytes($"From: someone@xuchang.gov.cn\r\nTo: {to}\r\nSubject: unsubscribe\r\nMessage-ID: <{Guid.NewGuid():N}@x>\r\n\r\nunsubscribe\r\n");

        var forged = await _processor.ProcessAsync(Mail($"unsubscribe+{forgedToken}@xcsti.example.org"));
        var real = await _processor.ProcessAsync(Mail($"unsubscribe+{token}@xcsti.example.org"));

        Assert.Empty(forged.Changes);
        Assert.Equal(["wang@xuchang.gov.cn → unsubscribed"], real.Changes);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await _subscribers.FindByIdAsync(wang.Id))!.Status);
        Assert.Equal(SubscriberStatus.Active, (await _subscribers.FindByIdAsync(li.Id))!.Status);
    }
}

public sealed class SqliteBounceProcessorTests : BounceProcessorTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresBounceProcessorTests : BounceProcessorTests<PostgresTestDatabase>;
