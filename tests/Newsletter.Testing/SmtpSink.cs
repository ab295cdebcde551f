using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Testing;

/// <summary>
/// Postfix's <c>smtp-sink</c> as a real SMTP server process on 127.0.0.1 and a free port, dumping every
/// message into a folder: one file per transaction, a MIME message whose first headers are smtp-sink's
/// X-Mail-Args (envelope sender) and X-Rcpt-Args (envelope recipients), then a Received line and the message.
/// Killed on dispose.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dump = new("smtp-sink");

    /// <param name="extraArguments">More smtp-sink options, e.g. <c>-f rcpt</c> to reject RCPT with 5xx.</param>
    public SmtpSink(params string[] extraArguments)
    {
        Port = FreePort();
        // smtp-sink must drop root privileges (-u); the dump folder must be writable by that user.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dump.Path, (UnixFileMode)0x1FF);
        }
        var start = new ProcessStartInfo(TestEnvironment.SmtpSinkPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Environment.UserName == "root")
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("nobody");
        }
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add(Path.Combine(_dump.Path, "%Y%m%d%H%M%S."));
        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add($"127.0.0.1:{Port}");
        start.ArgumentList.Add("256");
        _process = Process.Start(start) ?? throw new InvalidOperationException("smtp-sink did not start");
        LoopbackServer.WaitUntilListening(_process, Port, "smtp-sink", TimeSpan.FromSeconds(10));
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The folder holding one dump file per received message.</summary>
    public string DumpDirectory => _dump.Path;

    /// <summary>The dump files received so far.</summary>
    public IReadOnlyList<string> Messages() =>
        Directory.Exists(_dump.Path) ? Directory.GetFiles(_dump.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>
    /// Whether a dump holds a whole transaction: it ends with a multipart closing delimiter (<c>--boundary--</c>). A
    /// sender killed, or still waiting to hand the message over, leaves a dump without it, which no MTA delivers.
    /// </summary>
    public static bool IsComplete(string dump) => IsCompleteText(File.ReadAllText(dump));

    /// <summary><see cref="IsComplete"/> for a dump already read.</summary>
    public static bool IsCompleteText(string text)
    {
        var lastLine = text.TrimEnd().Split('\n')[^1].TrimEnd('\r');
        return lastLine.StartsWith("--", StringComparison.Ordinal) && lastLine.EndsWith("--", StringComparison.Ordinal);
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> messages arrived; returns them.</summary>
    public IReadOnlyList<string> WaitForMessages(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        LoopbackServer.Stop(_process);
        _dump.Dispose();
    }

    /// <summary>A port that was free a moment ago.</summary>
    public static int FreePort() => LoopbackServer.FreePort();
}
