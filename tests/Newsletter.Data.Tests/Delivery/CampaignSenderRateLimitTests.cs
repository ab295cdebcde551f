using System.Globalization;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// <see cref="DeliveryOptions.MessagesPerSecond"/> and <see cref="DeliveryOptions.MessagesPerSecondPerDomain"/> in a real
/// campaign run (SQLite outbox, SmtpTransport, CampaignSender, four connections), judged by when each MAIL FROM reached
/// <see cref="TlsSmtpServer"/>. A token bucket of rate r (burst one second's worth) lets at most max(1, r) + r·Δt
/// transactions start in any window of length Δt. The tests allow <see cref="Grace"/> more time, for the delay between
/// taking a token and MAIL FROM reaching the server, which is largest (≈0.2–0.35 s measured) for the first message of each
/// connection: it also waits for the connect and EHLO. Only lower bounds on time: how fast the machine is never makes a
/// test fail; "not held back" is judged by the order in which the messages started.
/// </summary>
[Slow]   // each test waits out its rates: seconds of wall time by design (issue 16: not in the fast loop)
public sealed class CampaignSenderRateLimitTests
{
    private const double Grace = 0.5;

    private static readonly DeliveryOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(20), BatchSize = 50 };

    private static string Address(string domain, int i) => string.Create(CultureInfo.InvariantCulture, $"leader{i:D3}@{domain}");

    /// <summary>Runs one campaign to the addresses (sent in this order); returns the accepted messages with their recipient's domain.</summary>
    private static async Task<List<(string Domain, DateTimeOffset At)>> SendAsync(IReadOnlyList<string> emails, DeliveryOptions options)
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), emails);
        await using var server = new TlsSmtpServer(new TlsSmtpServerOptions { Tls = SmtpServerTls.None });
        var campaign = await fixture.NewCampaignAsync();
        var transport = new SmtpTransport(new SmtpOptions
        {
            Host = server.Host, Port = server.Port, Security = SmtpSecurity.None, Connections = 4, Timeout = TimeSpan.FromSeconds(5),
        });

        var summary = await fixture.Sender(transport, options)
            .RunAsync(campaign.Id, TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        var received = server.Received.Select(m => (Domain: m.Recipients.Single().Split('@')[1], At: m.MailAt)).OrderBy(m => m.At).ToList();
        Assert.Equal(emails.Count, received.Count);
        return received;
    }

    /// <summary>
    /// How many more transactions than a token bucket of <paramref name="rate"/> allows started in the worst window
    /// [t_i, t_j] (negative when every window is within the limit).
    /// </summary>
    private static double MaxExcess(IReadOnlyList<DateTimeOffset> times, double rate)
    {
        var sorted = times.Order().ToList();
        var worst = double.NegativeInfinity;
        for (var i = 0; i < sorted.Count; i++)
        {
            for (var j = i; j < sorted.Count; j++)
            {
                var allowed = Math.Max(1, rate) + rate * (sorted[j] - sorted[i]).TotalSeconds;
                worst = Math.Max(worst, j - i + 1 - allowed);
            }
        }
        return worst;
    }

    private static double Span(IEnumerable<DateTimeOffset> times) => (times.Max() - times.Min()).TotalSeconds;

    private static List<DateTimeOffset> Of(List<(string Domain, DateTimeOffset At)> received, string domain) =>
        received.Where(m => m.Domain == domain).Select(m => m.At).ToList();

    [Fact]
    public async Task Each_domain_keeps_to_its_rate_while_the_domains_are_sent_side_by_side()
    {
        const double rate = 5;
        var emails = Enumerable.Range(0, 15).SelectMany(i => new[] { Address("xuchang.gov.cn", i), Address("qq.com", i) }).ToList();

        var received = await SendAsync(emails, Fast with { MessagesPerSecondPerDomain = rate });

        foreach (var domain in new[] { "xuchang.gov.cn", "qq.com" })
        {
            var times = Of(received, domain);
            var excess = MaxExcess(times, rate);
            Assert.True(excess <= rate * Grace, $"{domain} went over {rate}/s by {excess:F2} messages");
            // The limit really bound: 15 messages with a burst of 5 take 2 s at 5/s.
            Assert.True(Span(times) >= (15 - rate) / rate - Grace, $"{domain} took only {Span(times):F2} s");
        }
        // Side by side, not one after the other: together they went faster than one domain may, and each domain had
        // about half of the first half of all messages (one after the other, the first half would be one domain's).
        var all = received.Select(m => m.At).ToList();
        Assert.True(MaxExcess(all, rate) >= rate, $"the two domains shared one limit: {MaxExcess(all, rate):F2}");
        var firstHalf = received.Take(received.Count / 2).ToList();
        foreach (var domain in new[] { "xuchang.gov.cn", "qq.com" })
        {
            var share = firstHalf.Count(m => m.Domain == domain);
            Assert.True(share >= firstHalf.Count / 3, $"{domain} had {share} of the first {firstHalf.Count} messages: the domains went one after the other");
        }
    }

    [Fact]
    public async Task The_overall_limit_holds_across_domains()
    {
        const double rate = 8;
        var emails = Enumerable.Range(0, 8).SelectMany(i => new[] { Address("xuchang.gov.cn", i), Address("qq.com", i), Address("163.com", i) }).ToList();

        var received = await SendAsync(emails, Fast with { MessagesPerSecond = rate });

        var all = received.Select(m => m.At).ToList();
        var excess = MaxExcess(all, rate);
        Assert.True(excess <= rate * Grace, $"went over {rate}/s overall by {excess:F2} messages");
        Assert.True(Span(all) >= (24 - rate) / rate - Grace, $"24 messages took only {Span(all):F2} s");
    }

    [Fact]
    public async Task With_both_limits_each_domain_and_the_total_keep_to_theirs()
    {
        const double overall = 6, perDomain = 3;
        var emails = Enumerable.Range(0, 8).SelectMany(i => new[] { Address("xuchang.gov.cn", i), Address("qq.com", i), Address("163.com", i) }).ToList();

        var received = await SendAsync(emails, Fast with { MessagesPerSecond = overall, MessagesPerSecondPerDomain = perDomain });

        foreach (var domain in new[] { "xuchang.gov.cn", "qq.com", "163.com" })
        {
            var excess = MaxExcess(Of(received, domain), perDomain);
            Assert.True(excess <= perDomain * Grace, $"{domain} went over {perDomain}/s by {excess:F2} messages");
        }
        var total = MaxExcess(received.Select(m => m.At).ToList(), overall);
        Assert.True(total <= overall * Grace, $"went over {overall}/s overall by {total:F2} messages");
    }

    [Fact]
    public async Task A_domain_held_back_by_its_limit_does_not_hold_back_another_domain()
    {
        // The county government's 20 leaders come first in the outbox; the 4 enterprise contacts on another domain come last.
        const double rate = 4;
        var emails = Enumerable.Range(0, 20).Select(i => Address("xuchang.gov.cn", i))
            .Concat(Enumerable.Range(0, 4).Select(i => Address("qq.com", i))).ToList();

        var received = await SendAsync(emails, Fast with { MessagesPerSecondPerDomain = rate });

        var slow = Of(received, "xuchang.gov.cn");
        Assert.True(Span(slow) >= (20 - rate) / rate - Grace, $"xuchang.gov.cn took only {Span(slow):F2} s");
        // qq.com's 4 messages fit in its own burst: nothing of its own makes them wait. Held back behind xuchang.gov.cn's
        // rows (which come first), they would start after all 20 of them; free, after its burst and a few more.
        var lastQq = Of(received, "qq.com").Max();
        var before = slow.Count(at => at < lastQq);
        Assert.True(before <= 10, $"{before} of xuchang.gov.cn's 20 messages started before qq.com's last one: held back by xuchang.gov.cn's limit");
    }
}
