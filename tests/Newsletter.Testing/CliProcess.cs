using System.Diagnostics;
using System.Text;

namespace Newsletter.Testing;

/// <summary>The outcome of running the <c>newsletter</c> command as a child process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>stderr without the line naming the database (which every command on the store prints first).</summary>
    public string Errors => string.Join('\n', Stderr.Split('\n').Where(l => !l.StartsWith("database: ", StringComparison.Ordinal) && !l.StartsWith("数据库：", StringComparison.Ordinal)));
}

/// <summary>
/// Runs the built <c>Newsletter.Cli.dll</c> (copied next to the test assembly by the project reference) in a working
/// folder, the way a user runs it, with extra environment variables. Bounded by a timeout.
/// </summary>
public static class CliProcess
{
    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Run(workingDirectory, environment, TimeSpan.FromMinutes(3), args);

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args) =>
        Run(workingDirectory, environment, timeout, input: null, args);

    /// <summary>Runs the CLI with <paramref name="input"/> written to its standard input (then closed); null leaves stdin empty.</summary>
    public static CliResult RunWithInput(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string input, params string[] args) =>
        Run(workingDirectory, environment, TimeSpan.FromMinutes(3), input, args);

    private static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, string? input, string[] args)
    {
        var start = StartInfo(workingDirectory, environment, args);
        // Never the test runner's own stdin: a command that asks must get an answer or end of input.
        start.RedirectStandardInput = true;
        start.StandardInputEncoding = new UTF8Encoding(false);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"newsletter {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// How a test starts the built CLI in <paramref name="workingDirectory"/>: <c>dotnet Newsletter.Cli.dll</c> with
    /// <paramref name="args"/>, its output redirected and read as UTF-8, plain (no ANSI colours or live progress), the
    /// workspace as its home, then <paramref name="environment"/>. Standard input is left alone: a caller that writes to
    /// it redirects it.
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Newsletter.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        UseWorkspaceAsHome(start, workingDirectory);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>
    /// The built CLI lives in this checkout, so by default it keeps its data in the checkout's <c>data/</c>: a test
    /// instead gives each workspace its own home, <c>&lt;workspace&gt;/data</c>, and its own sample lists,
    /// <c>&lt;workspace&gt;/subscribers</c> (the caller's environment may override both).
    /// </summary>
    public static void UseWorkspaceAsHome(ProcessStartInfo start, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment["NEWSLETTER_HOME"] = Path.Combine(workingDirectory, "data");
        start.Environment["NEWSLETTER_Samples__Directory"] = Path.Combine(workingDirectory, "subscribers");
    }

    /// <summary>A fresh working folder holding copies of the repository's templates/, subscribers/ and seeds/.</summary>
    public static TempDirectory NewWorkspace()
    {
        var workspace = new TempDirectory("newsletter-ws");
        foreach (var folder in new[] { "templates", "subscribers", "seeds" })
        {
            CopyDirectory(Path.Combine(TestEnvironment.RepositoryRoot, folder), Path.Combine(workspace.Path, folder));
        }
        return workspace;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
