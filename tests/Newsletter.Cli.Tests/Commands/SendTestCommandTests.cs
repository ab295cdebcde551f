using MimeKit;
using Newsletter.Core.Delivery;
using Newsletter.Data;
using Newsletter.Data.Delivery;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary><c>newsletter send-test</c>: the variant's exact message, marked as a test, logged apart, no campaign touched.</summary>
[Slow]
public sealed class SendTestCommandTests
{
    private static readonly Dictionary<string, int> Lists = new() { ["municipal"] = 3, ["county"] = 3 };

    [Fact]
    [Requires("postfix")]
    public async Task Sends_the_variant_with_the_test_prefix_to_the_given_addresses_and_logs_it_apart_from_campaigns()
    {
        using var sink = new SmtpSink();
        using var workspace = CampaignsWorkspace.Create(Lists);
        var environment = CampaignsWorkspace.Environment(CampaignsWorkspace.Smtp(sink));
        var result = CliProcess.Run(workspace.Path, environment, "send-test", CampaignsWorkspace.Issue,
            "--to", "editor1@xcsti.example.org", "--to", "editor2@xcsti.example.org", "--segment", "县级领导");
        Assert.True(result.ExitCode == 0, result.ToString());

        var messages = sink.WaitForMessages(2, TimeSpan.FromSeconds(10)).Select(f => MimeMessage.Load(f)).ToList();
        Assert.Equal(["editor1@xcsti.example.org", "editor2@xcsti.example.org"], messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.All(messages, m =>
        {
            Assert.StartsWith("[测试] ", m.Subject, StringComparison.Ordinal);
            Assert.Contains("许昌竞争情报快递", m.Subject, StringComparison.Ordinal);
            Assert.Contains(TestSender.SampleSalutation, m.TextBody, StringComparison.Ordinal);
            Assert.Null(m.Headers[MessageFactory.CampaignHeader]);
            Assert.IsType<MultipartAlternative>(m.Body);
        });

        await using var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace.Path, "data"));
        var log = await new SqlTestSendLog(database).ListAsync(10);
        Assert.Equal(2, log.Count);
        Assert.All(log, e => Assert.True(e is { Segment: "county", IssueKey: "sample-issue", Delivered: true }, e.ToString()));
        Assert.Empty(await new SqlCampaignStore(database, new Data.Audience.SqlSubscriberStore(database, TimeProvider.System), TimeProvider.System).ListAsync());
    }

    [Fact]
    public void With_as_the_message_is_personalised_as_that_subscriber()
    {
        using var workspace = CampaignsWorkspace.Create(Lists);
        var result = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), "send-test", CampaignsWorkspace.Issue,
            "--to", "editor@xcsti.example.org", "--as", CampaignsWorkspace.Email("municipal", 2));
        Assert.True(result.ExitCode == 0, result.ToString());

        var file = Assert.Single(Directory.GetFiles(Path.Combine(workspace.Path, "data", "outbox", TestSender.BatchName), "*.eml"));
        var message = MimeMessage.Load(file);
        Assert.Equal("editor@xcsti.example.org", message.To.Mailboxes.Single().Address);
        Assert.Contains("王municipal2", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSender.SampleSalutation, message.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(21, null, "at most 20")]
    [InlineData(1, "not-an-address", "not an e-mail address")]
    [InlineData(0, null, "test-recipients")]
    [InlineData(1, "--as", "no subscriber")]
    public void Bad_requests_are_refused_and_nothing_is_sent(int count, string? extra, string expected)
    {
        using var workspace = CampaignsWorkspace.Create(Lists);
        var args = new List<string> { "send-test", CampaignsWorkspace.Issue };
        for (var i = 0; i < count; i++)
        {
            args.AddRange(["--to", $"editor{i}@xcsti.example.org"]);
        }
        if (extra == "--as")
        {
            args.AddRange(["--as", "nobody@example.org"]);
        }
        else if (extra is not null)
        {
            args.AddRange(["--to", extra]);
        }
        var result = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), [.. args]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox", TestSender.BatchName)), "nothing may be sent");
    }
}
