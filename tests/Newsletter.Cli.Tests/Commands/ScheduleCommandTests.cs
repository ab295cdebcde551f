using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Newsletter.Testing;
using Npgsql;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// A working folder for the scheduling tests: the repository's templates and seeds, and generated subscriber lists
/// (<c>subscribers/&lt;segment&gt;.csv</c>, loaded on first use) with one editor in <c>test-recipients</c>.
/// </summary>
internal sealed class ScheduleWorkspace : IDisposable
{
    public const string Editor = "editor@example.org";
    private readonly TempDirectory _folder = new("newsletter-sched-ws");

    public ScheduleWorkspace(int municipal = 3, int county = 2, int enterprise = 1, string? postgres = null)
    {
        foreach (var folder in new[] { "templates", "seeds" })
        {
            Copy(System.IO.Path.Combine(TestEnvironment.RepositoryRoot, folder), System.IO.Path.Combine(Path, folder));
        }
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "subscribers"));
        Write("municipal", Addresses("m", municipal));
        Write("county", Addresses("c", county));
        Write("enterprise", Addresses("e", enterprise));
        Write("test-recipients", [Editor]);
        Recipients = [.. Addresses("m", municipal), .. Addresses("c", county), .. Addresses("e", enterprise)];
        Postgres = postgres;
        Environment = new Dictionary<string, string>
        {
            ["NEWSLETTER_Security__TokenSecret"] = "test-secret-for-unsubscribe-tokens-0123456789",
            ["NEWSLETTER_Scheduling__SyncInterval"] = "00:00:01",
            ["NEWSLETTER_Scheduling__DeliveryInterval"] = "00:00:02",
        };
        if (postgres is not null)
        {
            Environment["NEWSLETTER_Database__Provider"] = "postgres";
            Environment["NEWSLETTER_Database__ConnectionString"] = postgres;
        }
    }

    public string Path => _folder.Path;

    public Dictionary<string, string> Environment { get; }

    /// <summary>Every campaign recipient of the issue's default audiences (not the editor).</summary>
    public IReadOnlyList<string> Recipients { get; }

    public string? Postgres { get; }

    public const string Issue = "seeds/sample-issue.md";

    public CliResult Run(params string[] args) => CliProcess.Run(Path, Environment, TimeSpan.FromSeconds(60), args);

    /// <summary>Imports the generated lists with `subscribers import` (instead of the first-run load, which is slow on a busy machine).</summary>
    public void ImportSubscribers()
    {
        foreach (var segment in new[] { "municipal", "county", "enterprise", "test-recipients" })
        {
            var result = Run("subscribers", "import", $"subscribers/{segment}.csv", "--segment", segment);
            if (result.ExitCode != 0) throw new InvalidOperationException(result.ToString());
        }
    }

    /// <summary>An ISO-8601 UTC time <paramref name="seconds"/> from now, whole seconds.</summary>
    public static string InSeconds(double seconds)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(seconds);
        return new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Runs one query on the workspace's database; null when the database does not exist yet.</summary>
    public object? Scalar(string sql)
    {
        using var connection = Open();
        if (connection is null) return null;
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public long Count(string sql) => Convert.ToInt64(Scalar(sql) ?? 0L, CultureInfo.InvariantCulture);

    /// <summary>Waits (bounded) until <paramref name="sql"/> returns <paramref name="expected"/>.</summary>
    public bool WaitFor(string sql, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Convert.ToString(Scalar(sql), CultureInfo.InvariantCulture) == expected) return true;
            Thread.Sleep(200);
        }
        return false;
    }

    /// <summary>Recipients of the files the pickup transport wrote for a batch (campaign-N, editor-notices).</summary>
    public IReadOnlyList<string> Picked(string batch)
    {
        var folder = System.IO.Path.Combine(Path, "data", "outbox", batch);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Select(f => MimeKit.MimeMessage.Load(f).To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private DbConnection? Open()
    {
        if (Postgres is not null)
        {
            var pg = new NpgsqlConnection(Postgres);
            pg.Open();
            return pg;
        }
        var file = System.IO.Path.Combine(Path, "data", "newsletter.db");
        if (!File.Exists(file)) return null;
        var sqlite = new SqliteConnection($"Data Source={file};Pooling=False");
        sqlite.Open();
        return sqlite;
    }

    private static IReadOnlyList<string> Addresses(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => $"{prefix}{i:D3}@example.org")];

    private void Write(string segment, IEnumerable<string> emails)
    {
        var csv = new StringBuilder("email,name\n");
        foreach (var email in emails)
        {
            csv.Append(email).Append(",读者").Append(email[..4]).Append('\n');
        }
        File.WriteAllText(System.IO.Path.Combine(Path, "subscribers", segment + ".csv"), csv.ToString());
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) Copy(dir, System.IO.Path.Combine(to, System.IO.Path.GetFileName(dir)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

/// <summary>The <c>schedule</c> and <c>issue ready</c> commands as a user runs them: what they store and how they refuse.</summary>
[Slow]
public sealed class ScheduleCommandTests
{
    [Theory]
    [InlineData("past", "in the past")]
    [InlineData("unreadable-time", "is not a time")]
    [InlineData("unknown-segment", "unknown segment '省级领导'")]
    [InlineData("invalid-issue", "nothing was scheduled")]
    [InlineData("missing-issue", "file not found")]
    [InlineData("bad-cron", "not a valid cron expression")]
    [InlineData("bad-zone", "unknown time zone")]
    public void Bad_input_is_refused_with_a_fix_and_nothing_is_scheduled(string kind, string expected)
    {
        using var ws = new ScheduleWorkspace();
        File.WriteAllText(System.IO.Path.Combine(ws.Path, "bad.md"), "---\naudiences: [municipal, 省级领导]\n---\n\n## 编者的话\n\n正文。\n");
        var future = ScheduleWorkspace.InSeconds(3600);
        string[] args = kind switch
        {
            "past" => ["schedule", ScheduleWorkspace.Issue, "--at", "2020-01-01 09:00"],
            "unreadable-time" => ["schedule", ScheduleWorkspace.Issue, "--at", "next monday"],
            "unknown-segment" => ["schedule", ScheduleWorkspace.Issue, "--at", future, "--segments", "municipal,省级领导"],
            "invalid-issue" => ["schedule", "bad.md", "--at", future],
            "missing-issue" => ["schedule", "nowhere.md", "--at", future],
            "bad-cron" => ["schedule", "plan", "add", "--cron", "0 0 9 ? * XYZ", "--segments", "municipal"],
            _ => ["schedule", ScheduleWorkspace.Issue, "--at", "2030-01-01 09:00", "--tz", "Mars/Olympus"],
        };
        var result = ws.Run(args);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        var last = result.Stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("error: ", last, StringComparison.Ordinal);
        Assert.Contains(" — ", last, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, ws.Count("SELECT COUNT(*) FROM campaigns"));
        Assert.Equal(0, ws.Count("SELECT COUNT(*) FROM schedule_plans"));
    }

    [Fact]
    public void Schedule_list_move_and_cancel_work_on_the_stored_campaign()
    {
        using var ws = new ScheduleWorkspace();
        ws.ImportSubscribers();   // schedule loads no sample list by itself
        var scheduled = ws.Run("schedule", ScheduleWorkspace.Issue, "--at", "2030-01-07 09:00", "--segments", "municipal,county");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        Assert.Contains("campaign 1 scheduled", scheduled.Stdout, StringComparison.Ordinal);
        Assert.Equal("scheduled", ws.Scalar("SELECT state FROM campaigns WHERE id = 1"));
        // 09:00 in Asia/Shanghai is stored as 01:00 UTC; 5 recipients in the two segments.
        Assert.StartsWith("2030-01-07 01:00:00", Convert.ToString(ws.Scalar("SELECT scheduled_at FROM campaigns WHERE id = 1"), CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(5, ws.Count("SELECT COUNT(*) FROM outbox WHERE campaign_id = 1"));

        var twice = ws.Run("schedule", ScheduleWorkspace.Issue, "--at", "2030-01-08 09:00", "--segments", "county,municipal");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already exists", twice.Stderr, StringComparison.Ordinal);

        var list = ws.Run("schedule", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("2030-01-07 09:00", list.Stdout, StringComparison.Ordinal);

        var moved = ws.Run("schedule", "move", "1", "--at", "2030-01-08T10:30:00+08:00");
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.StartsWith("2030-01-08 02:30:00", Convert.ToString(ws.Scalar("SELECT scheduled_at FROM campaigns WHERE id = 1"), CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var movedPast = ws.Run("schedule", "move", "1", "--at", "2020-01-01 09:00");
        Assert.Equal(1, movedPast.ExitCode);

        var cancelled = ws.Run("schedule", "cancel", "1");
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Equal("cancelled", ws.Scalar("SELECT state FROM campaigns WHERE id = 1"));
        var again = ws.Run("schedule", "cancel", "1");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("only a scheduled campaign", again.Stderr, StringComparison.Ordinal);
        var unknown = ws.Run("schedule", "cancel", "99");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no campaign 99", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plans_are_added_listed_and_removed_and_issues_marked_ready()
    {
        using var ws = new ScheduleWorkspace();
        var added = ws.Run("schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "市级领导,county");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("plan 1 added", added.Stdout, StringComparison.Ordinal);
        Assert.Equal("municipal|county", ws.Scalar("SELECT segments FROM schedule_plans WHERE id = 1"));
        Assert.Equal("Asia/Shanghai", ws.Scalar("SELECT time_zone FROM schedule_plans WHERE id = 1"));

        var ready = ws.Run("issue", "ready", ScheduleWorkspace.Issue);
        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.Equal("sample-issue", ws.Scalar("SELECT issue_key FROM ready_issues"));
        File.WriteAllText(System.IO.Path.Combine(ws.Path, "empty.md"), "");
        Assert.Equal(1, ws.Run("issue", "ready", "empty.md").ExitCode);
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM ready_issues"));

        var list = ws.Run("schedule", "plan", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("0 0 9 ? * MON", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("sample-issue", list.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, ws.Run("schedule", "plan", "remove", "1").ExitCode);
        Assert.Equal(0, ws.Count("SELECT COUNT(*) FROM schedule_plans"));
        Assert.Equal(1, ws.Run("schedule", "plan", "remove", "1").ExitCode);
    }

    [Fact]
    public void Plans_are_added_in_words_and_listed_with_their_next_three_firings_in_local_time()
    {
        // This process runs the CLI in English (EnglishByDefault): the plans are described in English words.
        using var ws = new ScheduleWorkspace();
        var weekly = ws.Run("schedule", "plan", "add", "--every", "monday", "--at", "09:00", "--segments", "municipal");
        Assert.True(weekly.ExitCode == 0, weekly.ToString());
        Assert.Contains("plan 1 added: every Monday at 09:00", weekly.Stdout, StringComparison.Ordinal);
        Assert.Equal("0 0 9 ? * MON", ws.Scalar("SELECT cron FROM schedule_plans WHERE id = 1"));

        var chinese = ws.Run("schedule", "plan", "add", "--every", "每周一、四 9:00", "--segments", "county");
        Assert.True(chinese.ExitCode == 0, chinese.ToString());
        Assert.Equal("0 0 9 ? * MON,THU", ws.Scalar("SELECT cron FROM schedule_plans WHERE id = 2"));

        var monthly = ws.Run("schedule", "plan", "add", "--every", "month", "--on", "15", "--at", "08:30", "--segments", "enterprise");
        Assert.True(monthly.ExitCode == 0, monthly.ToString());
        Assert.Equal("0 30 8 15 * ?", ws.Scalar("SELECT cron FROM schedule_plans WHERE id = 3"));

        var unix = ws.Run("schedule", "plan", "add", "--cron", "30 8 * * *", "--segments", "county");
        Assert.True(unix.ExitCode == 0, unix.ToString());
        Assert.Equal("0 30 8 * * ?", ws.Scalar("SELECT cron FROM schedule_plans WHERE id = 4"));

        var list = ws.Run("schedule", "plan", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = OneLine(list.Stdout);
        foreach (var words in new[] { "every Monday at 09:00", "every Monday and Thursday at 09:00", "monthly on day 15 at 08:30", "every day at 08:30" })
        {
            Assert.Contains(words, listed, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("每", list.Stdout, StringComparison.Ordinal);
        var mondays = NextMondays(" Mon 09:00");
        Assert.Contains("plan 1 (every Monday at 09:00) next, Asia/Shanghai:", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(mondays, list.Stdout, StringComparison.Ordinal);
        foreach (var line in list.Stdout.Split('\n'))
        {
            Assert.True(TerminalWidth(line) <= 80, $"wider than 80 columns: {line}");
        }

        var show = ws.Run("schedule", "plan", "show", "1");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"when:\s+every Monday at 09:00", show.Stdout);
        Assert.Contains("Asia/Shanghai", show.Stdout, StringComparison.Ordinal);
        foreach (var date in mondays.Split(" · "))
        {
            Assert.Contains(date, show.Stdout, StringComparison.Ordinal);
        }
        var missing = ws.Run("schedule", "plan", "show", "99");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no plan 99", missing.Stderr, StringComparison.Ordinal);

        // Another zone: the firings are shown in the plan's zone.
        var utc = ws.Run("schedule", "plan", "add", "--every", "daily", "--at", "06:00", "--tz", "UTC", "--segments", "county");
        Assert.True(utc.ExitCode == 0, utc.ToString());
        Assert.Contains("next (UTC):", utc.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zh-CN")]
    public void Plans_are_described_in_Chinese_words_when_the_CLI_speaks_Chinese(string language)
    {
        using var ws = new ScheduleWorkspace();
        ws.Environment["NEWSLETTER_LANG"] = language;
        var weekly = ws.Run("schedule", "plan", "add", "--every", "mon,thu", "--at", "09:00", "--segments", "municipal");
        Assert.True(weekly.ExitCode == 0, weekly.ToString());
        Assert.Contains("已添加计划 1：每周一、四 09:00", weekly.Stdout, StringComparison.Ordinal);
        var monthly = ws.Run("schedule", "plan", "add", "--every", "monthly", "--on", "last", "--at", "08:30", "--segments", "county");
        Assert.True(monthly.ExitCode == 0, monthly.ToString());
        Assert.Contains("每月最后一天 08:30", monthly.Stdout, StringComparison.Ordinal);

        var list = ws.Run("schedule", "plan", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("计划 1（每周一、四 09:00）接下来，Asia/Shanghai：", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("every", list.Stdout, StringComparison.Ordinal);

        // --lang en wins for one command: the same plan in English words and weekdays.
        var english = ws.Run("schedule", "plan", "show", "1", "--lang", "en");
        Assert.True(english.ExitCode == 0, english.ToString());
        Assert.Contains("every Monday and Thursday at 09:00", english.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} (Mon|Thu) 09:00", english.Stdout);

        var show = ws.Run("schedule", "plan", "show", "1");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"时间：\s+每周一、四 09:00", show.Stdout);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} 周[一四] 09:00", show.Stdout);
    }

    /// <summary>The next three Monday 09:00 firings after now in Shanghai time, as the CLI prints them ("2026-12-07" + suffix).</summary>
    private static string NextMondays(string suffix)
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).DateTime;
        var monday = local.Date.AddDays(((int)DayOfWeek.Monday - (int)local.DayOfWeek + 7) % 7).AddHours(9);
        if (monday <= local) monday = monday.AddDays(7);
        return string.Join(" · ", Enumerable.Range(0, 3).Select(i => monday.AddDays(7 * i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + suffix));
    }

    /// <summary>The output as one line: Spectre wraps long cells, anywhere between words.</summary>
    private static string OneLine(string output) => string.Join(' ', output.Split((char[])[' ', '\r', '\n', '│'], StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData("每周八 09:00", null, "'八' is not a weekday")]
    [InlineData("monday", null, "has no time of day")]
    [InlineData("monday", "25:00", "'25:00' is not a time of day")]
    public void Plans_in_words_that_are_not_understood_are_refused_with_a_fix(string every, string? at, string expected)
    {
        using var ws = new ScheduleWorkspace();
        string[] args = at is null
            ? ["schedule", "plan", "add", "--every", every, "--segments", "municipal"]
            : ["schedule", "plan", "add", "--every", every, "--at", at, "--segments", "municipal"];
        var result = ws.Run(args);
        Assert.True(result.ExitCode == 1, result.ToString());
        var last = result.Stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("error: ", last, StringComparison.Ordinal);
        Assert.Contains(expected, last, StringComparison.Ordinal);
        Assert.Contains(" — ", last, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, ws.Count("SELECT COUNT(*) FROM schedule_plans"));
    }

    private static int TerminalWidth(string line) =>
        line.TrimEnd('\r').Sum(c => c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60)) ? 2 : 1);
}
