using System.Text.Json;
using Newsletter.Cli.Infrastructure;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The CLI run in this test process, its standard output and error captured: for the tests of the "Console" collection,
/// which alone redirect the console (one at a time).
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs <c>newsletter <paramref name="args"/></c>; returns the exit code and what it wrote to each stream.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await NewsletterApp.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>Writes a settings file at <paramref name="path"/> naming the database and a token secret; returns the path.</summary>
    public static string WriteSettings(string path, string provider, string connectionString)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Database = new { Provider = provider, ConnectionString = connectionString },
            Security = new { TokenSecret = "cli-test-secret-0123456789abcdef" },
        }));
        return path;
    }
}
