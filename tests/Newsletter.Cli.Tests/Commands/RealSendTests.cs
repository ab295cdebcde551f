using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Newsletter.Data;
using Newsletter.Data.Delivery;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// A real send (SMTP, to Postfix's smtp-sink) is confirmed before anything is created: the CLI shows what goes out and
/// to how many, asks for yes/是 on a terminal (NEWSLETTER_INTERACTIVE=1 with the answer on stdin stands for one) or
/// needs --yes; a 样刊 goes only to the test list; doctor errors need --force, which is recorded.
/// </summary>
[Slow]
public sealed class RealSendTests
{
    private const string Finished = "seeds/issue-2024-09.md";

    /// <summary>Three municipal, two county readers and one editor; a finished copy of the sample issue (期号, date).</summary>
    private static TempDirectory Workspace()
    {
        var workspace = CampaignsWorkspace.Create(new Dictionary<string, int> { ["municipal"] = 3, ["county"] = 2, ["test-recipients"] = 1 });
        var sample = File.ReadAllText(Path.Combine(workspace.Path, CampaignsWorkspace.Issue));
        File.WriteAllText(Path.Combine(workspace.Path, Finished),
            sample.Replace("sample: true", "number: 2024年第9期\ndate: 2024-09-15", StringComparison.Ordinal));
        return workspace;
    }

    /// <summary>SMTP to the sink with a configuration the doctor finds no error in (warnings only: no DKIM, no Reply-To).</summary>
    private static Dictionary<string, string> Real(SmtpSink sink, params (string, string)[] extra)
    {
        var environment = CampaignsWorkspace.Environment([.. CampaignsWorkspace.Smtp(sink, 1),
            ("NEWSLETTER_Sender__From", "许昌市科学技术情报研究所 <bulletin@xcsti.gov.cn>"),
            ("NEWSLETTER_PublicBaseUrl", "https://bulletin.xcsti.gov.cn")]);
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        return environment;
    }

    private static string CampaignsJson(TempDirectory workspace, Dictionary<string, string> environment)
    {
        var list = CliProcess.Run(workspace.Path, environment, "campaigns", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        return list.Stdout.Trim();
    }

    [Fact]
    [Requires("postfix")]
    public void Not_interactive_without_yes_refuses_and_creates_nothing()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"));

        var result = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "municipal,county");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("needs confirmation", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--yes", result.Stderr, StringComparison.Ordinal);
        // What would have gone out was shown: issue, 期号, subject, recipients per segment.
        Assert.Contains("2024年第9期", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("municipal 3, county 2", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("no test of this exact version", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("[]", CampaignsJson(workspace, environment));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    [Requires("postfix")]
    public void With_yes_the_send_proceeds_and_the_confirmation_is_recorded()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"));

        var result = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "municipal,county", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("confirmed by --yes", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(5, sink.WaitForMessages(5, TimeSpan.FromSeconds(30)).Count);
        var confirmation = Assert.Single(Confirmations(workspace, 1));
        Assert.Equal((5, false), (confirmation.Recipients, confirmation.Forced));
    }

    [Fact]
    [Requires("postfix")]
    public void Interactive_answer_shi_proceeds_and_another_answer_refuses()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "1"));

        var no = CliProcess.RunWithInput(workspace.Path, environment, "no\n", "publish", Finished, "--segments", "county");
        Assert.True(no.ExitCode == 1, no.ToString());
        Assert.Contains("not confirmed", no.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", CampaignsJson(workspace, environment));

        var yes = CliProcess.RunWithInput(workspace.Path, environment, "是\n", "publish", Finished, "--segments", "county");
        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.Contains("type yes (或 是)", yes.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, sink.WaitForMessages(2, TimeSpan.FromSeconds(30)).Count);
        Assert.StartsWith("cli:", Assert.Single(Confirmations(workspace, 1)).ConfirmedBy, StringComparison.Ordinal);
    }

    [Fact]
    [Requires("postfix")]
    public void A_test_of_this_exact_version_is_shown_with_its_recipient()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"));
        var test = CliProcess.Run(workspace.Path, environment, "send-test", Finished, "--to", "chief-editor@xcsti.gov.cn");
        Assert.True(test.ExitCode == 0, test.ToString());

        var result = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "county");

        Assert.Contains("this exact version was test-sent", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("chief-editor@xcsti.gov.cn", result.Stdout, StringComparison.Ordinal);
        // Another 期号 is another version: the test does not count for it.
        var other = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "county", "--number", "2024年第10期");
        Assert.Contains("no test of this exact version", other.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Requires("postfix")]
    public void A_sample_is_refused_to_real_segments_over_smtp_but_goes_to_the_test_list()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"));

        var refused = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "municipal", "--yes");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("refused", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("样刊", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--number", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", CampaignsJson(workspace, environment));

        var scheduled = CliProcess.Run(workspace.Path, environment, "schedule", CampaignsWorkspace.Issue, "--at", "2099-01-01 09:00", "--segments", "county", "--yes");
        Assert.True(scheduled.ExitCode == 1, scheduled.ToString());
        Assert.Contains("样刊", scheduled.Stderr, StringComparison.Ordinal);

        var editors = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "test-recipients", "--yes");
        Assert.True(editors.ExitCode == 0, editors.ToString());
        Assert.Single(sink.WaitForMessages(1, TimeSpan.FromSeconds(30)));

        // Given its 期号 and date on the command line, the same file goes to real readers.
        var numbered = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "municipal", "--yes",
            "--number", "２０２４年第９期", "--date", "2024年9月15日");
        Assert.True(numbered.ExitCode == 0, numbered.ToString());
        Assert.Contains("《许昌竞争情报快递》2024年第9期", numbered.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_number_or_date_options_are_one_clear_error()
    {
        using var workspace = Workspace();
        var environment = CampaignsWorkspace.Environment();

        var date = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--date", "2024-02-30");
        Assert.True(date.ExitCode == 1, date.ToString());
        Assert.StartsWith("error: --date: '2024-02-30' is not a day of the calendar", date.Errors, StringComparison.Ordinal);

        var number = CliProcess.Run(workspace.Path, environment, "schedule", CampaignsWorkspace.Issue, "--at", "2099-01-01 09:00", "--number", "九");
        Assert.True(number.ExitCode == 1, number.ToString());
        Assert.Contains("--number: '九' is not a 期号", number.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox")));
    }

    [Fact]
    [Requires("postfix")]
    public void Doctor_errors_need_force_which_is_recorded()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        // The default From is on example.org: a reserved domain.
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"), ("NEWSLETTER_Sender__From", "bulletin@xcsti.example.org"));

        var refused = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "county", "--yes");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("from-domain", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", CampaignsJson(workspace, environment));

        var forced = CliProcess.Run(workspace.Path, environment, "publish", Finished, "--segments", "county", "--yes", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var confirmation = Assert.Single(Confirmations(workspace, 1));
        Assert.True(confirmation.Forced);
        Assert.Contains("from-domain", confirmation.DoctorErrors, StringComparison.Ordinal);
    }

    [Fact]
    [Requires("postfix")]
    public void Schedule_confirms_at_scheduling_time()
    {
        using var sink = new SmtpSink();
        using var workspace = Workspace();
        var environment = Real(sink, ("NEWSLETTER_INTERACTIVE", "0"));

        var refused = CliProcess.Run(workspace.Path, environment, "schedule", Finished, "--at", "2099-01-01 09:00", "--segments", "county");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("needs confirmation", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", CampaignsJson(workspace, environment));

        var scheduled = CliProcess.Run(workspace.Path, environment, "schedule", Finished, "--at", "2099-01-01 09:00", "--segments", "county", "--yes");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        Assert.Single(Confirmations(workspace, 1));
    }

    [Fact]
    public void Doctor_reports_each_fault_with_its_fix_and_exits_1()
    {
        using var workspace = Workspace();
        var closed = SmtpSink.FreePort().ToString(CultureInfo.InvariantCulture);
        var environment = CampaignsWorkspace.Environment(("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Port", closed),
            ("NEWSLETTER_Smtp__Security", "None"), ("NEWSLETTER_PublicBaseUrl", "http://127.0.0.1:5080"));

        var result = CliProcess.Run(workspace.Path, environment, "doctor", "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var levels = json.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("level").GetString());
        Assert.Equal("error", levels["public-url"]);
        Assert.Equal("error", levels["from-domain"]);
        Assert.Equal("error", levels["relay"]);
        Assert.Equal("warning", levels["dkim"]);
        Assert.Equal("warning", levels["reply-to"]);
        Assert.Equal("warning", levels["verp"]);
        Assert.Equal("warning", levels["bounces"]);
        Assert.All(json.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("level").GetString() != "ok"),
            f => Assert.False(string.IsNullOrEmpty(f.GetProperty("fix").GetString())));
    }

    [Fact]
    [Requires("postfix")]
    public void Doctor_passes_a_production_like_configuration()
    {
        using var sink = new SmtpSink();
        using var mailbox = new DovecotImap();
        using var workspace = Workspace();
        var key = Path.Combine(workspace.Path, "dkim.pem");
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        }
        var environment = Real(sink, ("NEWSLETTER_Sender__ReplyTo", "editors@xcsti.gov.cn"), ("NEWSLETTER_Dkim__Domain", "xcsti.gov.cn"),
            ("NEWSLETTER_Dkim__Selector", "nl2026"), ("NEWSLETTER_Dkim__KeyFile", key),
            // Returned mail is read (issue 17): a VERP return path and a return mailbox the doctor logs in to.
            ("NEWSLETTER_Sender__VerpReturnPath", "bounces+{token}@xcsti.gov.cn"), ("NEWSLETTER_Bounces__Host", mailbox.Host),
            ("NEWSLETTER_Bounces__Port", mailbox.Port.ToString(CultureInfo.InvariantCulture)), ("NEWSLETTER_Bounces__Security", "None"),
            ("NEWSLETTER_Bounces__UserName", mailbox.UserName), ("NEWSLETTER_Bounces__Password", mailbox.Password));

        var result = CliProcess.Run(workspace.Path, environment, "doctor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("all ok", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("accepts our EHLO", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"return mailbox IMAP {mailbox.Host}:{mailbox.Port}: logged in as {mailbox.UserName}", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(mailbox.Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_import_reports_the_header_lines_and_writes_sample_false()
    {
        using var workspace = Workspace();
        var seed = File.ReadAllText(Path.Combine(workspace.Path, "seeds", "000_d7cfb1a0bdf40954.txt"));
        File.WriteAllText(Path.Combine(workspace.Path, "b.txt"), "许昌竞争情报快递\n2024年第9期（总第120期）\n2024年9月15日\n" + seed);
        File.WriteAllText(Path.Combine(workspace.Path, "plain.txt"), seed);

        var found = CliProcess.Run(workspace.Path, null, "issue", "import", "b.txt", "-o", "b.md");
        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Contains("期号: 2024年第9期（总第120期） (line 2)", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("date: 2024-09-15 (line 3)", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("written as sample: false", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("sample: false", File.ReadAllText(Path.Combine(workspace.Path, "b.md")), StringComparison.Ordinal);

        var none = CliProcess.Run(workspace.Path, null, "issue", "import", "plain.txt", "-o", "plain.md");
        Assert.Contains("期号: not found", none.Stdout, StringComparison.Ordinal);
        Assert.Contains("written as sample: true", none.Stdout, StringComparison.Ordinal);

        var given = CliProcess.Run(workspace.Path, null, "issue", "import", "plain.txt", "-o", "given.md", "--number", "2024年第9期", "--date", "2024-09-15");
        Assert.True(given.ExitCode == 0, given.ToString());
        var markdown = File.ReadAllText(Path.Combine(workspace.Path, "given.md"));
        Assert.Contains("number: 2024年第9期", markdown, StringComparison.Ordinal);
        Assert.Contains("date: 2024-09-15", markdown, StringComparison.Ordinal);
        Assert.Contains("sample: false", markdown, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Newsletter.Core.Delivery.SendConfirmation> Confirmations(TempDirectory workspace, long campaignId)
    {
        var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace.Path, "data"));
        try
        {
            return new SqlSendConfirmationLog(database).ListAsync(campaignId).GetAwaiter().GetResult();
        }
        finally
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
