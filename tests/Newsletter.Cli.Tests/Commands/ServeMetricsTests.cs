using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// <c>serve</c> with <c>Metrics:Enabled</c> (issue 20): a scheduled campaign goes out through a real SMTP server
/// (smtp-sink), and a Prometheus scrape of <c>/metrics</c> with the bearer token shows its messages by campaign and
/// domain; a scrape without the token, or with a wrong one, is refused.
/// </summary>
public sealed partial class ServeMetricsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const string Token = "prometheus-scrape-token-0123456789";

    [Fact]
    [Requires("postfix")]
    public async Task A_scrape_with_the_token_counts_the_campaigns_messages_by_domain_and_one_without_is_refused()
    {
        using var ws = new ScheduleWorkspace(municipal: 3, county: 2, enterprise: 1);
        // A second domain among the municipal leaders, so the domain label is seen to split.
        File.WriteAllText(Path.Combine(ws.Path, "subscribers", "gov.csv"), "email,name\nleader1@xuchang.gov.cn,李明\nleader2@xuchang.gov.cn,王芳\n");
        ws.ImportSubscribers();
        var imported = ws.Run("subscribers", "import", "subscribers/gov.csv", "--segment", "municipal");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        using var sink = new SmtpSink();
        ws.Environment["NEWSLETTER_Delivery__Transport"] = "smtp";
        ws.Environment["NEWSLETTER_Smtp__Host"] = sink.Host;
        ws.Environment["NEWSLETTER_Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture);
        ws.Environment["NEWSLETTER_Smtp__Security"] = "None";
        ws.Environment["NEWSLETTER_PublicBaseUrl"] = "https://bulletin.example.org";
        ws.Environment["NEWSLETTER_Metrics__Enabled"] = "true";
        ws.Environment["NEWSLETTER_Metrics__Token"] = Token;
        var port = SmtpSink.FreePort();
        using var serve = new ServeProcess(ws.Path, ws.Environment, "--urls", $"http://127.0.0.1:{port}");
        Assert.True(serve.WaitForOutput("serving:", Bound), serve.Output);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        // "serving:" is printed before Kestrel listens: wait (bounded) for the first answer.
        var deadline = DateTime.UtcNow + Bound;
        HttpResponseMessage? first = null;
        while (first is null && DateTime.UtcNow < deadline && !serve.HasExited)
        {
            try
            {
                first = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }
        Assert.True(first is not null, "serve did not answer on port " + port + "\n" + serve.Output);
        using (var anonymous = first)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.DoesNotContain("newsletter_", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            using var refused = await client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // `schedule` refuses a time that has passed: on a host so busy that it passed before the command ran, again further ahead.
        DateTimeOffset at;
        for (var lead = 20; ; lead *= 2)
        {
            var when = ScheduleWorkspace.InSeconds(lead);
            at = DateTimeOffset.Parse(when, CultureInfo.InvariantCulture);
            var scheduled = ws.Run(["schedule", ScheduleWorkspace.Issue, "--at", when, .. CampaignsWorkspace.RealSend]);
            if (scheduled.ExitCode == 0) break;
            Assert.True(DateTimeOffset.UtcNow >= at && lead < 240, scheduled.ToString());
        }
        Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", at - DateTimeOffset.UtcNow + Bound), serve.Output);
        var recipients = ws.Recipients.Count + 2;
        Assert.True(sink.WaitForMessages(recipients, Bound).Count >= recipients, serve.Output);

        var text = await ScrapeAsync(client);

        Assert.Equal(ws.Recipients.Count, Value(text, "newsletter_messages_total", ("campaign", "1"), ("domain", "example.org"), ("outcome", "sent")));
        Assert.Equal(2, Value(text, "newsletter_messages_total", ("campaign", "1"), ("domain", "xuchang.gov.cn"), ("outcome", "sent")));
        Assert.Null(Value(text, "newsletter_messages_total", ("campaign", "1"), ("outcome", "failed")));
        Assert.Equal(recipients, Value(text, "newsletter_outbox_claimed_total", ("campaign", "1")));
        Assert.Equal(recipients, Value(text, "newsletter_message_send_duration_seconds_count", ("campaign", "1")));
        Assert.Equal(0, serve.Stop(Bound));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return text;
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels include <paramref name="labels"/>; null when none has them.</summary>
    private static double? Value(string exposition, string metric, params (string Name, string Value)[] labels)
    {
        double? sum = null;
        foreach (Match sample in Sample().Matches(exposition))
        {
            if (sample.Groups["name"].Value != metric)
            {
                continue;
            }
            var found = Label().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (labels.All(l => found.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                sum = (sum ?? 0) + double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
