using System.Globalization;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 17's loop, all real: the CLI publishes a campaign through a real Postfix (the institute's relay) whose next hop
/// refuses two recipients after Postfix accepted the message from us; Postfix's own DSNs go to the VERP return path,
/// which Postfix delivers into the Maildir a real Dovecot serves; <c>serve</c>'s poller reads it over IMAP, and
/// <c>bounces fetch</c> runs again.
/// </summary>
[Requires("postfix")]
[Requires("dovecot")]
[Slow]
public sealed class BouncesEndToEndTests
{
    private const string ReturnDomain = "xcsti.example.org";

    [Fact]
    public void Refused_recipients_end_up_bounced_the_others_untouched_and_a_rerun_changes_nothing()
    {
        using var dovecot = new DovecotImap();
        string[] refused = [CampaignsWorkspace.Email("municipal", 1), CampaignsWorkspace.Email("county", 0)];
        using var postfix = new PostfixRelay(ReturnDomain, dovecot.Maildir, dovecot.MailUid, dovecot.MailGid, refused);
        using var workspace = CampaignsWorkspace.Create(new Dictionary<string, int> { ["municipal"] = 3, ["county"] = 2 });
        var everyone = Enumerable.Range(0, 3).Select(i => CampaignsWorkspace.Email("municipal", i))
            .Concat(Enumerable.Range(0, 2).Select(i => CampaignsWorkspace.Email("county", i))).ToList();
        var environment = CampaignsWorkspace.Environment(
            ("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", postfix.Host),
            ("NEWSLETTER_Smtp__Port", postfix.Port.ToString(CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"),
            ("NEWSLETTER_Sender__From", $"许昌市科学技术情报研究所 <bulletin@{ReturnDomain}>"),
            ("NEWSLETTER_Sender__VerpReturnPath", $"bounces+{{token}}@{ReturnDomain}"),
            ("NEWSLETTER_Bounces__Host", dovecot.Host), ("NEWSLETTER_Bounces__Port", dovecot.Port.ToString(CultureInfo.InvariantCulture)),
            ("NEWSLETTER_Bounces__Security", "None"), ("NEWSLETTER_Bounces__UserName", dovecot.UserName),
            ("NEWSLETTER_Bounces__Password", dovecot.Password), ("NEWSLETTER_Bounces__PollInterval", "00:00:10"));

        var published = CliProcess.Run(workspace.Path, environment, ["publish", CampaignsWorkspace.Issue, "--segments", "municipal,county", .. CampaignsWorkspace.RealSend]);
        Assert.True(published.ExitCode == 0, published + postfix.Diagnostics());
        // Our session succeeded for all five: the refusals come later, from the next hop, as Postfix's DSNs.
        Assert.All(everyone, a => Assert.Equal("active", Status(workspace, environment, a)));

        var dsns = WaitForMessages(dovecot, refused.Length, TimeSpan.FromSeconds(90), postfix);
        Assert.True(dsns == refused.Length, $"{dsns} DSNs in the return mailbox, expected {refused.Length}\n{postfix.Diagnostics()}");

        // serve reads the return mailbox at start and every Bounces:PollInterval.
        using (var serve = new ServeProcess(workspace.Path, environment))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            var statuses = new Dictionary<string, string>();
            while (true)
            {
                foreach (var address in everyone) statuses[address] = Status(workspace, environment, address);
                if (refused.All(a => statuses[a] == "bounced") || DateTime.UtcNow > deadline || serve.HasExited) break;
                Thread.Sleep(500);
            }
            Assert.True(refused.All(a => statuses[a] == "bounced"),
                $"after serve: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}\n--- serve\n{serve.Output}\n{postfix.Diagnostics()}");
            serve.Stop(TimeSpan.FromSeconds(60));
        }
        foreach (var address in everyone)
        {
            Assert.Equal(refused.Contains(address) ? "bounced" : "active", Status(workspace, environment, address));
        }
        var stored = Bounces(workspace, environment);
        Assert.Equal(refused.Order(StringComparer.Ordinal), stored.Select(b => b.Address).Order(StringComparer.Ordinal));
        // Matched exactly through the VERP return path Postfix mailed its DSN to; classed from Postfix's own report.
        Assert.All(stored, b => Assert.Equal(("hard", "5.1.1", "verp"), (b.Class, b.Status, b.MatchedBy)));
        Assert.All(stored, b => Assert.NotNull(b.CampaignId));

        // A re-run finds nothing new; and the same DSNs read again (as after a crash before the move) change nothing.
        var again = CliProcess.Run(workspace.Path, environment, "bounces", "fetch");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 messages read", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(refused.Length, CopyProcessedBackToInbox(dovecot));
        var replay = CliProcess.Run(workspace.Path, environment, "bounces", "fetch");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains("2 messages read", replay.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("→", replay.Stdout, StringComparison.Ordinal);
        Assert.Equal(stored.Count, Bounces(workspace, environment).Count);
        foreach (var address in everyone)
        {
            Assert.Equal(refused.Contains(address) ? "bounced" : "active", Status(workspace, environment, address));
        }
    }

    private static string Status(TempDirectory workspace, Dictionary<string, string> environment, string address)
    {
        var shown = CliProcess.Run(workspace.Path, environment, "subscribers", "show", address, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using var json = JsonDocument.Parse(shown.Stdout);
        return json.RootElement.GetProperty("status").GetString()!;
    }

    private sealed record Stored(string Address, string Class, string Status, string MatchedBy, long? CampaignId);

    private static List<Stored> Bounces(TempDirectory workspace, Dictionary<string, string> environment)
    {
        var listed = CliProcess.Run(workspace.Path, environment, "bounces", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        using var json = JsonDocument.Parse(listed.Stdout);
        return json.RootElement.EnumerateArray().Select(e => new Stored(e.GetProperty("address").GetString()!, e.GetProperty("class").GetString()!,
            e.GetProperty("status").GetString()!, e.GetProperty("matchedBy").GetString()!,
            e.GetProperty("campaignId").ValueKind == JsonValueKind.Number ? e.GetProperty("campaignId").GetInt64() : null)).ToList();
    }

    /// <summary>Waits (bounded) until the INBOX holds <paramref name="count"/> messages; returns how many it holds.</summary>
    private static int WaitForMessages(DovecotImap dovecot, int count, TimeSpan within, PostfixRelay postfix)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var client = Connect(dovecot);
            client.Inbox.Open(FolderAccess.ReadOnly);
            var seen = client.Inbox.Count;
            client.Disconnect(true);
            if (seen >= count || DateTime.UtcNow > deadline)
            {
                return seen;
            }
            if (postfix.MailLog().Contains("status=deferred", StringComparison.Ordinal))
            {
                Assert.Fail("Postfix deferred a message instead of delivering or bouncing it:\n" + postfix.Diagnostics());
            }
            Thread.Sleep(200);
        }
    }

    private static int CopyProcessedBackToInbox(DovecotImap dovecot)
    {
        using var client = Connect(dovecot);
        var processed = client.GetFolder("Processed");
        processed.Open(FolderAccess.ReadOnly);
        var uids = processed.Search(MailKit.Search.SearchQuery.All);
        processed.CopyTo(uids, client.Inbox);
        client.Disconnect(true);
        return uids.Count;
    }

    private static ImapClient Connect(DovecotImap dovecot)
    {
        var client = new ImapClient();
        client.Connect(dovecot.Host, dovecot.Port, SecureSocketOptions.None);
        client.Authenticate(dovecot.UserName, dovecot.Password);
        return client;
    }
}
