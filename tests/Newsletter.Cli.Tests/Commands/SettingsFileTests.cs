using Newsletter.Cli.Infrastructure;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>A broken settings file is one line naming the file and line, and nothing runs.</summary>
[Collection("Console")]
public sealed class SettingsFileTests : IDisposable
{
    private readonly TempDirectory _temp = new("settings-file");

    public void Dispose() => _temp.Dispose();

    private static async Task<(int Exit, string Error)> Run(params string[] args)
    {
        var oldError = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (await NewsletterApp.RunAsync(args), error.ToString());
        }
        finally
        {
            Console.SetError(oldError);
        }
    }

    [Fact]
    public async Task A_syntax_error_names_the_file_and_line()
    {
        var path = _temp.File("appsettings.json");
        await File.WriteAllTextAsync(path, "{\n  \"Smtp\": {\n    \"Host\": \"relay.xuchang.gov.cn\"\n    \"Port\": 25\n  }\n}\n");

        var (exit, error) = await Run("campaigns", "list", "--config", path);

        Assert.Equal(NewsletterApp.UserError, exit);
        Assert.StartsWith($"error: {path}:4: not valid JSON: ", error, StringComparison.Ordinal);
        Assert.Contains("fix the JSON syntax there", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
