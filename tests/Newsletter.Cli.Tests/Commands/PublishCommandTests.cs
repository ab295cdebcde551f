using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Issues;
using Newsletter.Data;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The README's first command, end to end, as a child process in a fresh workspace: the sample issue is composed
/// and delivered to every active sample subscriber, through the pickup folder and through a real SMTP server.
/// </summary>
[Slow]
public sealed class PublishCommandTests
{
    private const string Secret = CampaignsWorkspace.Secret;
    private const string Issue = "seeds/sample-issue.md";

    private static Dictionary<string, string> Environment(params (string Key, string Value)[] extra) => CampaignsWorkspace.Environment(extra);

    [Fact]
    public async Task Publishes_the_sample_issue_to_the_pickup_folder_once_per_active_subscriber()
    {
        using var workspace = CliProcess.NewWorkspace();
        var result = CliProcess.Run(workspace.Path, Environment(), "publish", Issue);
        Assert.True(result.ExitCode == 0, result.ToString());

        var files = Directory.GetFiles(Path.Combine(workspace.Path, "data", "outbox", "campaign-1"), "*.eml");
        var messages = files.Select(f => MimeMessage.Load(f)).ToList();
        var expected = await ActiveRecipientsAsync(workspace.Path, "municipal", "county", "enterprise");
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), messages.Select(RecipientOf).Order());
        await AssertMessagesAsync(workspace.Path, messages, expected);
        Assert.Contains("preview", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_sending_setting_stops_publish_before_anything_is_written()
    {
        using var workspace = CliProcess.NewWorkspace();
        var result = CliProcess.Run(workspace.Path,
            Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Port", "twenty-five")), "publish", Issue);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Smtp:Port", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("recipients selected", result.Stdout, StringComparison.Ordinal);
        var list = CliProcess.Run(workspace.Path, Environment(), "campaigns", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("[]", list.Stdout.Trim());
    }

    [Fact]
    public void Publishing_the_same_issue_again_continues_the_campaign_and_sends_nothing_twice()
    {
        using var workspace = CliProcess.NewWorkspace();
        var first = CliProcess.Run(workspace.Path, Environment(), "publish", Issue);
        Assert.True(first.ExitCode == 0, first.ToString());
        var folder = Path.Combine(workspace.Path, "data", "outbox", "campaign-1");
        var before = Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var second = CliProcess.Run(workspace.Path, Environment(), "publish", Issue);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("already exists", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc));
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox", "campaign-2")));
    }

    [Fact]
    [Requires("postfix")]
    public async Task Publishes_through_a_real_smtp_server_on_loopback()
    {
        using var sink = new SmtpSink();
        using var workspace = CliProcess.NewWorkspace();
        var result = CliProcess.Run(workspace.Path, Environment(
                ("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", sink.Host),
                ("NEWSLETTER_Smtp__Port", sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("NEWSLETTER_Smtp__Security", "None"), ("NEWSLETTER_Smtp__Connections", "2")),
            ["publish", Issue, "--segments", "municipal,county", .. CampaignsWorkspace.RealSend]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var expected = await ActiveRecipientsAsync(workspace.Path, "municipal", "county");
        var dumps = sink.WaitForMessages(expected.Count, TimeSpan.FromSeconds(30));
        var messages = dumps.Select(d => MimeMessage.Load(d)).ToList();
        // The envelope recipient (smtp-sink's X-Rcpt-Args) is the header recipient, alone.
        Assert.All(messages, m => Assert.Equal($"<{RecipientOf(m)}>", m.Headers["X-Rcpt-Args"]));
        Assert.Equal(expected.Keys.Order(), messages.Select(RecipientOf).Order());
        await AssertMessagesAsync(workspace.Path, messages, expected);
    }

    [Fact]
    public async Task A_gbk_bulletin_is_published_and_its_campaign_keeps_the_decoded_text()
    {
        using var workspace = CliProcess.NewWorkspace();
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var seed = File.ReadAllText(Path.Combine(workspace.Path, "seeds", "000_d7cfb1a0bdf40954.txt"));
        File.WriteAllBytes(Path.Combine(workspace.Path, "gbk.txt"), System.Text.Encoding.GetEncoding("GB18030").GetBytes(seed));

        var result = CliProcess.Run(workspace.Path, Environment(), "publish", "gbk.txt", "--segments", "county");
        Assert.True(result.ExitCode == 0, result.ToString());

        await using var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace.Path, "data"));
        var campaigns = new Newsletter.Data.Delivery.SqlCampaignStore(database, new SqlSubscriberStore(database, TimeProvider.System), TimeProvider.System);
        Assert.Equal(seed, await campaigns.GetSourceTextAsync(1));
    }

    [Theory]
    [InlineData("missing-audiences.md", "---\ntitle: 许昌竞争情报快递\n---\n\n## 编者的话\n\n正文。\n", "audiences")]
    [InlineData("unknown-segment.md", "---\naudiences: [municipal, 省级领导]\n---\n\n## 编者的话\n\n正文。\n", "省级领导")]
    [InlineData("empty.md", "", "empty")]
    public void Bad_issues_are_rejected_with_a_clear_error_and_nothing_is_sent(string name, string content, string expected)
    {
        using var workspace = CliProcess.NewWorkspace();
        File.WriteAllText(Path.Combine(workspace.Path, name), content);
        AssertRejected(workspace, name, expected);
    }

    [Fact]
    public void A_binary_file_is_rejected()
    {
        using var workspace = CliProcess.NewWorkspace();
        File.WriteAllBytes(Path.Combine(workspace.Path, "binary.md"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]);
        AssertRejected(workspace, "binary.md", "binary.md");
    }

    [Fact]
    public void A_file_that_is_neither_utf8_nor_gbk_is_rejected()
    {
        using var workspace = CliProcess.NewWorkspace();
        // Lone continuation bytes and 0xFF are invalid in UTF-8 and in GB18030's two-byte ranges alike.
        File.WriteAllBytes(Path.Combine(workspace.Path, "garbage.md"), [.. "---\naudiences: [municipal]\n---\n"u8, 0xFF, 0x80, 0xFF, 0x80, 0x0A]);
        AssertRejected(workspace, "garbage.md", "garbage.md");
    }

    [Fact]
    public void An_unknown_segment_option_is_rejected()
    {
        using var workspace = CliProcess.NewWorkspace();
        AssertRejected(workspace, Issue, "nobody", "--segments", "nobody");
    }

    private static void AssertRejected(TempDirectory workspace, string issue, string expected, params string[] extra)
    {
        var result = CliProcess.Run(workspace.Path, Environment(), ["publish", issue, .. extra]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);   // no stack trace
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox")), "nothing may be delivered");
    }

    private static string RecipientOf(MimeMessage message) => Assert.Single(message.To.Mailboxes).Address;

    /// <summary>The active subscribers of the segments, by email, read from the store the CLI wrote.</summary>
    private static async Task<Dictionary<string, Subscriber>> ActiveRecipientsAsync(string workspace, params string[] segments)
    {
        await using var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace, "data"));
        var store = new SqlSubscriberStore(database, TimeProvider.System);
        var recipients = new Dictionary<string, Subscriber>(StringComparer.OrdinalIgnoreCase);
        await foreach (var subscriber in store.StreamActiveAsync(new AudienceFilter(segments), 100))
        {
            recipients[subscriber.Email] = subscriber;
        }
        return recipients;
    }

    private static Task AssertMessagesAsync(string workspace, IReadOnlyList<MimeMessage> messages, Dictionary<string, Subscriber> recipients)
    {
        var issue = IssueLoader.Load(Path.Combine(workspace, Issue)).Issue!;
        var titles = issue.Articles.Select(a => a.Title).ToList();
        Assert.NotEmpty(titles);
        var tokens = SubscriberTokens.FromText(Secret);
        var messageIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var subscriber = recipients[RecipientOf(message)];
            Assert.Contains("许昌竞争情报快递", message.Subject, StringComparison.Ordinal);
            Assert.Equal("bulletin@xcsti.example.org", Assert.Single(message.From.Mailboxes).Address);
            Assert.Equal("许昌市科学技术情报研究所", message.From.Mailboxes.Single().Name);
            Assert.EndsWith("@xcsti.example.org", message.MessageId, StringComparison.Ordinal);
            Assert.True(messageIds.Add(message.MessageId!), "every message has its own Message-ID");
            Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
            Assert.Equal("bulk", message.Headers["Precedence"]);
            Assert.NotNull(message.Headers["List-Id"]);

            var alternative = Assert.IsType<MultipartAlternative>(message.Body);
            var text = message.TextBody;
            var html = message.HtmlBody;
            Assert.Equal(2, alternative.Count);
            foreach (var title in titles)
            {
                Assert.Contains(title, text, StringComparison.Ordinal);
                Assert.Contains(System.Net.WebUtility.HtmlEncode(title), html, StringComparison.Ordinal);
            }
            Assert.Contains(subscriber.Salutation, text, StringComparison.Ordinal);

            // The recipient's own signed unsubscribe link, in the header and in both parts.
            var header = message.Headers["List-Unsubscribe"]!;
            var url = header[(header.IndexOf('<', StringComparison.Ordinal) + 1)..header.IndexOf('>', StringComparison.Ordinal)];
            Assert.StartsWith("https://bulletin.example.org/u/", url, StringComparison.Ordinal);
            Assert.Contains("mailto:", header, StringComparison.Ordinal);
            Assert.True(tokens.TryVerify(url[(url.LastIndexOf('/') + 1)..], TokenPurpose.Unsubscribe, out var subscriberId, out _));
            Assert.Equal(subscriber.Id, subscriberId);
            Assert.Contains(url, text, StringComparison.Ordinal);
            Assert.Contains(url, html, StringComparison.Ordinal);
        }
        return Task.CompletedTask;
    }
}
