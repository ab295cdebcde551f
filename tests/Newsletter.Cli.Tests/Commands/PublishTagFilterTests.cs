using System.Globalization;
using System.Text;
using System.Text.Json;
using MimeKit;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// <c>publish</c> and <c>schedule</c> with <c>--district</c> / <c>--industry</c>, as a child process on a workspace
/// whose subscribers sit in several districts and industries (some not active): exactly the matching active ones get
/// a message, the tags are part of the campaign's identity, and bad or empty values are one-line errors.
/// </summary>
[Slow]
public sealed class PublishTagFilterTests
{
    private const string Issue = "seeds/sample-issue.md";

    /// <summary>One subscriber of the workspace: its segment (file), district, industries and status.</summary>
    private sealed record Row(string Segment, string Email, string District, string[] Industries, string Status = "active");

    private static readonly Row[] Rows =
    [
        new("municipal", "m1@example.org", "禹州市", ["新材料"]),
        new("municipal", "m2@example.org", "", ["新一代信息技术", "新材料"]),
        new("municipal", "m3@example.org", "长葛市", []),
        new("county", "c1@example.org", "禹州市", ["发制品"]),
        new("county", "c2@example.org", "魏都区", ["新材料"]),
        new("county", "c3@example.org", "禹州市", ["新材料"], "unsubscribed"),
        new("county", "c4@example.org", "长葛市", ["新材料", "发制品"]),
        new("enterprise", "e1@example.org", "禹州市", ["新材料"]),
        new("enterprise", "e2@example.org", "长葛市", ["食品"]),
        new("enterprise", "e3@example.org", "襄城县", ["发制品"], "bounced"),
        new("enterprise", "e4@example.org", "禹州市", []),
    ];

    /// <summary>What the filter must select, computed from the rows above: active, in a segment, a district and an industry of the filter.</summary>
    private static List<string> Expected(string[] segments, string[] districts, string[] industries) =>
    [
        .. Rows.Where(r => r.Status == "active" && segments.Contains(r.Segment)
                && (districts.Length == 0 || districts.Contains(r.District))
                && (industries.Length == 0 || r.Industries.Intersect(industries).Any()))
            .Select(r => r.Email).Order(StringComparer.Ordinal),
    ];

    private static readonly string[] IssueAudiences = ["municipal", "county", "enterprise"];

    private static TempDirectory Workspace()
    {
        var workspace = CliProcess.NewWorkspace();
        var lists = Path.Combine(workspace.Path, "subscribers");
        foreach (var file in Directory.GetFiles(lists))
        {
            File.Delete(file);
        }
        foreach (var segment in Rows.GroupBy(r => r.Segment))
        {
            var csv = new StringBuilder("姓名,邮箱,单位,职务,区县,行业,状态\n");
            foreach (var r in segment)
            {
                csv.Append(CultureInfo.InvariantCulture, $"王{r.Email[..2]},{r.Email},许昌示例单位,主任,{r.District},\"{string.Join("、", r.Industries)}\",{r.Status}\n");
            }
            File.WriteAllText(Path.Combine(lists, segment.Key + ".csv"), csv.ToString());
        }
        return workspace;
    }

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["NEWSLETTER_Security__TokenSecret"] = "test-secret-for-unsubscribe-tokens-0123456789",
        ["NEWSLETTER_PublicBaseUrl"] = "https://bulletin.example.org",
    };

    private static CliResult Run(TempDirectory workspace, params string[] args) => CliProcess.Run(workspace.Path, Environment, args);

    private static List<string> Sent(TempDirectory workspace, long campaignId)
    {
        var folder = Path.Combine(workspace.Path, "data", "outbox", $"campaign-{campaignId}");
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.eml").Select(f => Assert.Single(MimeMessage.Load(f).To.Mailboxes).Address).Order(StringComparer.Ordinal)]
            : [];
    }

    private static JsonElement Json(TempDirectory workspace, params string[] args)
    {
        var result = Run(workspace, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    /// <summary>The console wraps long lines at word boundaries: compare text with whitespace runs as one space.</summary>
    private static string Flat(string output) => string.Join(' ', output.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void Publish_sends_exactly_to_the_active_subscribers_of_the_districts_and_industries()
    {
        using var workspace = Workspace();
        var result = Run(workspace, "publish", Issue, "--district", "禹州市,长葛市", "--industry", "新材料");
        Assert.True(result.ExitCode == 0, result.ToString());

        var expected = Expected(IssueAudiences, ["禹州市", "长葛市"], ["新材料"]);
        Assert.Equal(3, expected.Count);   // the data is meant to leave several matching and several not
        Assert.Equal(expected, Sent(workspace, 1));
        Assert.Contains($"{expected.Count} recipients selected", Flat(result.Stdout), StringComparison.Ordinal);
        Assert.Contains("禹州市", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_tags_continue_the_campaign_and_other_tags_make_a_new_one()
    {
        using var workspace = Workspace();
        var first = Run(workspace, "publish", Issue, "--district", "禹州市,长葛市", "--industry", "新材料");
        Assert.True(first.ExitCode == 0, first.ToString());
        var folder = Path.Combine(workspace.Path, "data", "outbox", "campaign-1");
        var before = Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        // The same tags repeated and in another order: the same campaign, nothing sent twice.
        var again = Run(workspace, "publish", Issue, "--industry", "新材料", "--district", "长葛市", "--district", "禹州市");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already exists", Flat(again.Stdout), StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc));
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox", "campaign-2")));

        // Other tags: another campaign, to its own recipients, even those already sent campaign 1.
        var other = Run(workspace, "publish", Issue, "--district", "禹州市");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.DoesNotContain("already exists", Flat(other.Stdout), StringComparison.Ordinal);
        Assert.Equal(Expected(IssueAudiences, ["禹州市"], []), Sent(workspace, 2));

        // Without tags: a third campaign, to the whole segments.
        var whole = Run(workspace, "publish", Issue);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.Equal(Expected(IssueAudiences, [], []), Sent(workspace, 3));

        var campaigns = Json(workspace, "campaigns", "list", "--json").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt64());
        Assert.Equal(3, campaigns.Count);
        Assert.Equal(["禹州市", "长葛市"], Strings(campaigns[1].GetProperty("districts")).Order(StringComparer.Ordinal));
        Assert.Equal(["新材料"], Strings(campaigns[1].GetProperty("industries")));
        Assert.Equal(["禹州市"], Strings(campaigns[2].GetProperty("districts")));
        Assert.Empty(Strings(campaigns[2].GetProperty("industries")));
        Assert.Empty(Strings(campaigns[3].GetProperty("districts")));

        var show = Json(workspace, "campaigns", "show", "1", "--json").GetProperty("campaign");
        Assert.Equal(["新材料"], Strings(show.GetProperty("industries")));
        var text = Run(workspace, "campaigns", "show", "2");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("district 禹州市", Flat(text.Stdout), StringComparison.Ordinal);
        var list = Run(workspace, "campaigns", "list");
        Assert.Contains(list.Stdout.Split('\n'), l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal) && l.Contains("industry 新材料", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("魏都", "--district", "魏都")]
    [InlineData("新材", "--industry", "新材")]
    [InlineData("--district", "--district", "")]
    [InlineData("--industry", "--industry", " , ")]
    public void Unknown_or_empty_values_are_a_one_line_error_and_nothing_is_sent(string expected, string option, string value)
    {
        using var workspace = Workspace();
        var result = Run(workspace, "publish", Issue, option, value);
        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(" — ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox")), "nothing may be delivered");
        Assert.Equal(0, Json(workspace, "campaigns", "list", "--json").GetArrayLength());
    }

    [Fact]
    public void A_misspelt_district_gets_a_suggestion()
    {
        using var workspace = Workspace();
        var result = Run(workspace, "publish", Issue, "--district", "禹州");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did you mean '禹州市'", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("东城区", null)]             // a district of the city where nobody on the list is
    [InlineData("襄城县", "发制品")]          // its only subscriber bounced
    public void Tags_that_select_nobody_refuse_with_zero_recipients_and_create_no_campaign(string district, string? industry)
    {
        using var workspace = Workspace();
        Assert.Empty(Expected(IssueAudiences, [district], industry is null ? [] : [industry]));
        string[] args = industry is null ? ["publish", Issue, "--district", district] : ["publish", Issue, "--district", district, "--industry", industry];
        var result = Run(workspace, args);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("0 recipients", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(district, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, "data", "outbox")));
        Assert.Equal(0, Json(workspace, "campaigns", "list", "--json").GetArrayLength());
    }

    [Fact]
    public void A_scheduled_campaign_keeps_its_tags_until_it_is_sent()
    {
        using var workspace = Workspace();
        var loaded = Run(workspace, "subscribers", "load-samples");   // schedule loads no sample list by itself
        Assert.True(loaded.ExitCode == 0, loaded.ToString());
        var at = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var scheduled = Run(workspace, "schedule", Issue, "--at", at, "--segments", "county,enterprise", "--district", "禹州市");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        var expected = Expected(["county", "enterprise"], ["禹州市"], []);
        Assert.Contains($"{expected.Count} recipients", Flat(scheduled.Stdout), StringComparison.Ordinal);
        Assert.Empty(Sent(workspace, 1));

        var list = Run(workspace, "schedule", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("campaign 1 only to district 禹州市", Flat(list.Stdout), StringComparison.Ordinal);
        var campaign = Json(workspace, "campaigns", "show", "1", "--json").GetProperty("campaign");
        Assert.Equal("scheduled", campaign.GetProperty("state").GetString());
        Assert.Equal(["禹州市"], Strings(campaign.GetProperty("districts")));

        // The same issue, segments and tags cannot be scheduled twice; other tags can.
        var twice = Run(workspace, "schedule", Issue, "--at", at, "--segments", "county,enterprise", "--district", "禹州市");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already exists", twice.Stderr, StringComparison.Ordinal);
        var unknown = Run(workspace, "schedule", Issue, "--at", at, "--industry", "纺织");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("nothing was scheduled", unknown.Stderr, StringComparison.Ordinal);

        var sent = Run(workspace, "campaigns", "resume", "1");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Equal(expected, Sent(workspace, 1));
    }

    [Fact]
    public void A_recurring_plan_keeps_its_tags()
    {
        using var workspace = Workspace();
        var added = Run(workspace, "schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "enterprise", "--industry", "食品,发制品");
        Assert.True(added.ExitCode == 0, added.ToString());
        var list = Run(workspace, "schedule", "plan", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("plan 1 only to industry 发制品, 食品", Flat(list.Stdout), StringComparison.Ordinal);

        var bad = Run(workspace, "schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "enterprise", "--district", "许昌县");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("许昌县", bad.Stderr, StringComparison.Ordinal);
    }
}
