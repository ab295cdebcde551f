using System.Text.Json;
using ExcelDataReader;
using MimeKit;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 21: after a real send to Postfix's smtp-sink, <c>campaigns show --json</c> carries the figures per segment and in
/// total (opens and clicks only for a tracked campaign), <c>campaigns show</c> prints them, <c>campaigns export</c>
/// writes them to a workbook; without <c>--tracking</c> the delivered HTML has no pixel and no rewritten link.
/// </summary>
[Slow]
public sealed class FiguresCommandTests
{
    private static Dictionary<string, string> Real(SmtpSink sink) => CampaignsWorkspace.Environment([.. CampaignsWorkspace.Smtp(sink, 1),
        ("NEWSLETTER_Sender__From", "许昌市科学技术情报研究所 <bulletin@xcsti.gov.cn>"), ("NEWSLETTER_PublicBaseUrl", "https://bulletin.xcsti.gov.cn")]);

    private static JsonElement ShowJson(TempDirectory workspace, Dictionary<string, string> environment, int id)
    {
        var show = CliProcess.Run(workspace.Path, environment, "campaigns", "show", $"{id}", "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonDocument.Parse(show.Stdout).RootElement;
    }

    private static int Figure(JsonElement figures, string name) => figures.GetProperty(name).GetInt32();

    private static List<MimeMessage> Received(SmtpSink sink, int count) =>
        [.. sink.WaitForMessages(count, TimeSpan.FromSeconds(60)).Select(f => MimeMessage.Load(f))];

    [Fact]
    public void Figures_after_a_send_through_the_sink_untracked_then_tracked_and_exported()
    {
        using var sink = new SmtpSink();
        using var workspace = CampaignsWorkspace.Create(new Dictionary<string, int> { ["municipal"] = 2, ["county"] = 1, ["test-recipients"] = 1 });
        var environment = Real(sink);

        var publish = CliProcess.Run(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal,county", .. CampaignsWorkspace.RealSend]);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var untracked = Received(sink, 3);
        Assert.Equal(3, untracked.Count);
        foreach (var sent in untracked)
        {
            Assert.DoesNotContain("/o/", sent.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("/c/", sent.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("统计阅读", sent.HtmlBody, StringComparison.Ordinal);
        }
        // An admin's unsubscribe is not a reader leaving after the issue.
        Assert.Equal(0, CliProcess.Run(workspace.Path, environment, "subscribers", "unsubscribe", CampaignsWorkspace.Email("municipal", 0)).ExitCode);

        var json = ShowJson(workspace, environment, 1);
        Assert.False(json.GetProperty("tracking").GetBoolean());
        var total = json.GetProperty("figures");
        Assert.Equal((3, 3, 0, 0, 0, 0, 0), (Figure(total, "recipients"), Figure(total, "delivered"), Figure(total, "deferred"), Figure(total, "failed"),
            Figure(total, "bounced"), Figure(total, "unsubscribed"), Figure(total, "webViews")));
        Assert.False(total.TryGetProperty("opens", out _));
        Assert.False(total.TryGetProperty("clicks", out _));
        var segments = json.GetProperty("segments").EnumerateArray().ToDictionary(s => s.GetProperty("segment").GetString()!, s => s.GetProperty("figures"));
        Assert.Equal((2, 2), (Figure(segments["municipal"], "recipients"), Figure(segments["municipal"], "delivered")));
        Assert.Equal((1, 1), (Figure(segments["county"], "recipients"), Figure(segments["county"], "delivered")));

        var table = CliProcess.Run(workspace.Path, environment, "campaigns", "show", "1");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("webViews", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("tracking off", table.Stdout, StringComparison.Ordinal);

        var export = CliProcess.Run(workspace.Path, environment, "campaigns", "export", "1", "-o", "reports/issue-8.xlsx");
        Assert.True(export.ExitCode == 0, export.ToString());
        var rows = ReadFirstSheet(Path.Combine(workspace.Path, "reports", "issue-8.xlsx"));
        Assert.Equal(["2", "2", "0", "0", "0", "0", "0"], rows.Single(r => r[0] == "市级领导")[1..8]);
        Assert.Equal(["1", "1", "0", "0", "0", "0", "0"], rows.Single(r => r[0] == "县级领导")[1..8]);
        var refused = CliProcess.Run(workspace.Path, environment, "campaigns", "export", "1", "-o", "report.txt");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("error: report.txt is not an .xlsx file name", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace.Path, "report.txt")));

        // The next issue with --tracking: a pixel in the HTML part only, and the figures gain opens and clicks.
        var tracked = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "county", "--tracking",
            "--number", "2024年第9期", "--date", "2024-09-15", "--yes", "--force");
        Assert.True(tracked.ExitCode == 0, tracked.ToString());
        Assert.Contains("tracking on", tracked.Stdout, StringComparison.Ordinal);
        var message = Received(sink, 4).Single(m => !untracked.Any(u => u.MessageId == m.MessageId));
        Assert.Contains("https://bulletin.xcsti.gov.cn/o/", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("本期邮件统计阅读情况", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/o/", message.TextBody, StringComparison.Ordinal);
        var trackedJson = ShowJson(workspace, environment, 2);
        Assert.True(trackedJson.GetProperty("tracking").GetBoolean());
        Assert.Equal((1, 0, 0, 0), (Figure(trackedJson.GetProperty("figures"), "delivered"), Figure(trackedJson.GetProperty("figures"), "opens"),
            Figure(trackedJson.GetProperty("figures"), "proxyOpens"), Figure(trackedJson.GetProperty("figures"), "clicks")));
        Assert.Equal(0, Figure(trackedJson.GetProperty("segments")[0].GetProperty("figures"), "opens"));
    }

    private static List<string[]> ReadFirstSheet(string path)
    {
        using var stream = File.OpenRead(path);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);   // ExcelDataReader asks for 1252
        using var reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
        Assert.Equal("数据", reader.Name);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "")]);
        }
        return rows;
    }
}
