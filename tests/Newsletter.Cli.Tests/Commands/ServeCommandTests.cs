using System.Diagnostics;
using System.Text;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// A <c>newsletter serve</c> child process in a workspace: output captured, stopped gracefully (SIGTERM, as systemd
/// and Ctrl-C do) or killed hard (SIGKILL).
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ServeProcess(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        // serve also hosts the web admin: a free port each, so parallel tests and two nodes never fight over 5080.
        string[] urls = extra.Contains("--urls") ? [] : ["--urls", "http://127.0.0.1:0"];
        var start = CliProcess.StartInfo(workingDirectory, environment, ["serve", .. extra, .. urls]);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/>.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout) => WaitForOutput([text], timeout);

    /// <summary>Waits until the output contains any of <paramref name="texts"/>; false at the deadline or exit.</summary>
    public bool WaitForOutput(string[] texts, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (Seen()) return true;
            Thread.Sleep(100);
        }
        return Seen();

        bool Seen() => texts.Any(t => Output.Contains(t, StringComparison.Ordinal));
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code.</summary>
    public int Stop(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit(5000);
        }
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("serve did not stop within " + timeout + "\n" + Output);
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>kill -9: no graceful anything.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}

/// <summary>
/// <c>newsletter serve</c> on the embedded SQLite store: a scheduled campaign goes out once at its time; a host that
/// was down at the time sends it on start within the grace and marks it missed beyond.
/// </summary>
[Slow]
public sealed class ServeCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);

    [Fact]
    public void Serve_sends_a_scheduled_campaign_once_at_its_time_and_stops_gracefully()
    {
        using var ws = new ScheduleWorkspace();
        ws.ImportSubscribers();   // schedule loads no sample list by itself
        using var serve = new ServeProcess(ws.Path, ws.Environment, "--urls", "http://127.0.0.1:0");
        Assert.True(serve.WaitForOutput("serving:", Bound), serve.Output);

        var at = ScheduleAhead(ws, 20);

        Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", at - DateTimeOffset.UtcNow + Bound), serve.Output);
        Assert.Equal(ws.Recipients.Order(StringComparer.Ordinal), ws.Picked("campaign-1"));
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings WHERE kind = 'campaign' AND target_id = 1"));
        // Sent at (not before) the planned time: the firing is recorded at or after it.
        var firedAt = DateTimeOffset.Parse(Convert.ToString(ws.Scalar("SELECT fired_at FROM schedule_firings"), System.Globalization.CultureInfo.InvariantCulture)!,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(firedAt >= at.AddSeconds(-2), $"fired at {firedAt:o}, planned {at:o}");
        // Order, not duration: every message was written at or after the planned time, however long the steps took.
        Assert.All(PickedAt(ws, "campaign-1"), written => Assert.True(written >= at.AddSeconds(-2),
            $"written at {written:o}, planned {at:o}"));
        Assert.True(WaitForFiles(ws, "editor-notices", 1), "the report reaches the editors");
        Assert.Equal([ScheduleWorkspace.Editor], ws.Picked("editor-notices"));

        Assert.Equal(0, serve.Stop(Bound));
        Assert.Contains("stopped", serve.Output, StringComparison.Ordinal);
        Assert.Equal(ws.Recipients.Count, ws.Picked("campaign-1").Count);
    }

    [Fact]
    public void A_host_down_at_the_planned_time_sends_on_restart_within_the_grace()
    {
        var (ws, at) = ScheduledWhileUp(_ => { }, "--segments", "municipal");
        using var owned = ws;
        SleepUntil(at.AddSeconds(3));
        Assert.Empty(ws.Picked("campaign-1"));

        using var second = new ServeProcess(ws.Path, ws.Environment);
        Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "completed", Bound), second.Output);
        Assert.Equal(ws.Recipients.Where(r => r.StartsWith('m')).Order(StringComparer.Ordinal), ws.Picked("campaign-1"));
        Assert.Equal("started", ws.Scalar("SELECT outcome FROM schedule_firings"));
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings"));
        Assert.Equal(0, second.Stop(Bound));
    }

    [Fact]
    public void A_host_down_beyond_the_grace_marks_the_campaign_missed_and_tells_the_editors()
    {
        var (ws, at) = ScheduledWhileUp(w => w.Environment["NEWSLETTER_Scheduling__MisfireGrace"] = "00:00:02");
        using var owned = ws;
        SleepUntil(at.AddSeconds(5));

        using var second = new ServeProcess(ws.Path, ws.Environment);
        Assert.True(ws.WaitFor("SELECT state FROM campaigns WHERE id = 1", "missed", Bound), second.Output);
        Assert.True(WaitForFiles(ws, "editor-notices", 1), second.Output);
        Assert.Equal([ScheduleWorkspace.Editor], ws.Picked("editor-notices"));
        Assert.Equal("missed", ws.Scalar("SELECT outcome FROM schedule_firings"));
        // Stopped gracefully first (a firing in progress finishes), then: one firing, recorded as missed, nothing sent.
        Assert.Equal(0, second.Stop(Bound));
        Assert.Equal(1, ws.Count("SELECT COUNT(*) FROM schedule_firings"));
        Assert.Empty(ws.Picked("campaign-1"));
        Assert.Single(ws.Picked("editor-notices"));
    }

    /// <summary>
    /// A workspace whose campaign 1 a first <c>serve</c> saw scheduled and that stopped again before the planned time.
    /// How long starting and stopping serve takes depends on the machine, so no duration is assumed: the time is set a
    /// lead ahead, and when the first host stopped too late (the order is wrong) the attempt is thrown away and made
    /// again with twice the lead (15, 30, 60, 120 s).
    /// </summary>
    private static (ScheduleWorkspace Workspace, DateTimeOffset At) ScheduledWhileUp(Action<ScheduleWorkspace> configure, params string[] scheduleOptions)
    {
        var seen = new StringBuilder();
        for (var lead = 15; lead <= 120; lead *= 2)
        {
            var ws = new ScheduleWorkspace();
            ws.ImportSubscribers();   // schedule loads no sample list by itself
            configure(ws);
            var planned = ScheduleAhead(ws, lead, scheduleOptions);
            using (var first = new ServeProcess(ws.Path, ws.Environment))
            {
                Assert.True(first.WaitForOutput("Campaign 1 scheduled", Bound), first.Output);
                Assert.Equal(0, first.Stop(Bound));
            }
            var stoppedAt = DateTimeOffset.UtcNow;
            var state = Convert.ToString(ws.Scalar("SELECT state FROM campaigns WHERE id = 1"), System.Globalization.CultureInfo.InvariantCulture);
            if (stoppedAt < planned && state == "scheduled")
            {
                return (ws, planned);
            }
            seen.AppendLine($"lead {lead} s: the first host stopped at {stoppedAt:o}, planned {planned:o}, campaign {state}");
            ws.Dispose();
        }
        throw new Xunit.Sdk.XunitException("serve never stopped before the planned time:\n" + seen);
    }

    /// <summary>
    /// Schedules the issue <paramref name="lead"/> seconds ahead. <c>schedule</c> refuses a time that has passed; on a
    /// machine so busy that the time passed before the command ran, it is tried again with twice the lead. Returns the
    /// planned time.
    /// </summary>
    private static DateTimeOffset ScheduleAhead(ScheduleWorkspace ws, int lead, params string[] options)
    {
        for (; ; lead *= 2)
        {
            var at = ScheduleWorkspace.InSeconds(lead);
            var planned = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
            var scheduled = ws.Run(["schedule", ScheduleWorkspace.Issue, "--at", at, .. options]);
            if (scheduled.ExitCode == 0) return planned;
            // Refused for another reason than a time that passed meanwhile (or tried long enough): that is the failure.
            Assert.True(DateTimeOffset.UtcNow >= planned && lead < 240, scheduled.ToString());
        }
    }

    /// <summary>When each pickup file of a batch was written.</summary>
    private static IEnumerable<DateTimeOffset> PickedAt(ScheduleWorkspace ws, string batch) =>
        Directory.GetFiles(Path.Combine(ws.Path, "data", "outbox", batch), "*.eml").Select(f => new DateTimeOffset(File.GetLastWriteTimeUtc(f), TimeSpan.Zero));

    internal static bool WaitForFiles(ScheduleWorkspace ws, string batch, int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (ws.Picked(batch).Count >= count) return true;
            Thread.Sleep(200);
        }
        return false;
    }

    internal static bool WaitForSink(SmtpSink sink, int count) => sink.WaitForMessages(count, Bound).Count >= count;

    internal static void SleepUntil(DateTimeOffset at)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
    }
}
