using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// A workspace for delivery tests: the repository's templates and seeds, and our own subscriber lists
/// (<c>subscribers/&lt;segment&gt;.csv</c>, loaded by the CLI on first run), plus a way to start the CLI and kill it.
/// </summary>
internal static class CampaignsWorkspace
{
    public const string Secret = "test-secret-for-unsubscribe-tokens-0123456789";
    public const string Issue = "seeds/sample-issue.md";

    /// <summary>
    /// What a real (SMTP) send of the sample issue needs from a script: its 期号 and date (a 样刊 goes only to the
    /// test list), <c>--yes</c> (no terminal to ask) and <c>--force</c> (the test From is on example.org, which the
    /// configuration check calls an error).
    /// </summary>
    public static readonly string[] RealSend = ["--number", "2024年第8期", "--date", "2024-08-15", "--yes", "--force"];

    /// <summary>The issue key of <see cref="Issue"/> sent with <see cref="RealSend"/>: its 期号.</summary>
    public const string RealSendIssueKey = "2024年第8期";

    /// <param name="load">
    /// Load the lists into the workspace's store with <c>subscribers load-samples</c> (only the pickup-folder demo loads
    /// them by itself); false leaves the store uncreated.
    /// </param>
    public static TempDirectory Create(IReadOnlyDictionary<string, int> recipientsPerSegment, bool load = true)
    {
        var workspace = new TempDirectory("newsletter-delivery");
        foreach (var folder in new[] { "templates", "seeds" })
        {
            Copy(Path.Combine(TestEnvironment.RepositoryRoot, folder), Path.Combine(workspace.Path, folder));
        }
        var lists = Path.Combine(workspace.Path, "subscribers");
        Directory.CreateDirectory(lists);
        foreach (var (segment, count) in recipientsPerSegment)
        {
            var csv = new StringBuilder("email,name,title\n");
            for (var i = 0; i < count; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Email(segment, i)},王{segment}{i},主任\n");
            }
            File.WriteAllText(Path.Combine(lists, segment + ".csv"), csv.ToString());
        }
        if (load)
        {
            var loaded = CliProcess.Run(workspace.Path, Environment(), "subscribers", "load-samples");
            if (loaded.ExitCode != 0)
            {
                throw new InvalidOperationException(loaded.ToString());
            }
        }
        return workspace;
    }

    public static string Email(string segment, int i) => $"{segment}{i:D5}@xuchang.example.org";

    public static Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["NEWSLETTER_Security__TokenSecret"] = Secret,
            ["NEWSLETTER_PublicBaseUrl"] = "https://bulletin.example.org",
            ["NEWSLETTER_Sender__From"] = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        return environment;
    }

    public static (string, string)[] Smtp(SmtpSink sink, int connections = 4) =>
    [
        ("NEWSLETTER_Delivery__Transport", "smtp"), ("NEWSLETTER_Smtp__Host", sink.Host),
        ("NEWSLETTER_Smtp__Port", sink.Port.ToString(CultureInfo.InvariantCulture)), ("NEWSLETTER_Smtp__Security", "None"),
        ("NEWSLETTER_Smtp__Connections", connections.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>Starts the CLI without waiting; the caller kills or waits for it. Output is drained and discarded.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = CliProcess.StartInfo(workingDirectory, environment, args);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// The Message-IDs of the complete messages in smtp-sink's dump files (a multipart message is complete when its
    /// closing boundary arrived), with how often each was received.
    /// </summary>
    public static Dictionary<string, int> ReceivedMessageIds(SmtpSink sink)
    {
        var received = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in sink.Messages())
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }
            var id = text.Split('\n').Select(l => l.TrimEnd('\r'))
                .FirstOrDefault(l => l.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase));
            if (id is null || !SmtpSink.IsCompleteText(text))
            {
                continue;   // cut off mid-message
            }
            var messageId = id["Message-ID:".Length..].Trim().Trim('<', '>');
            received[messageId] = received.GetValueOrDefault(messageId) + 1;
        }
        return received;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
