using System.Text.Json;
using Newsletter.Cli.Infrastructure;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

[Collection("Console")]
public sealed class BouncesCommandTests : IDisposable
{
    private static readonly string Corpus = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Newsletter.Core.Tests", "Bounces", "corpus");
    private readonly TempDirectory temp = new("bounces-cli");

    public void Dispose() => temp.Dispose();

    private static Task<(int Exit, string Out, string Error)> Run(params string[] args) => InProcessCli.RunAsync(args);

    [Fact]
    public async Task Parse_json_is_one_array_with_exactly_the_documented_fields()
    {
        var folder = Directory.CreateDirectory(temp.File("mail")).FullName;
        File.Copy(Path.Combine(Corpus, "lhost-postfix-01.eml"), Path.Combine(folder, "a.eml"));
        File.Copy(Path.Combine(Corpus, "arf-01.eml"), Path.Combine(folder, "b.eml"));
        File.WriteAllBytes(Path.Combine(folder, "c.eml"), [0, 1, 2, 3, 0, 255]);
        var single = Path.Combine(Corpus, "rfc3834-01.eml");

        var (exit, output, error) = await Run("bounces", "parse", folder, single, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.Equal(["file", "kind", "recipients"], i.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["bounce", "complaint", "other", "autoreply"], items.Select(i => i.GetProperty("kind").GetString()));
        var bounce = Assert.Single(items[0].GetProperty("recipients").EnumerateArray());
        Assert.Equal(["address", "status", "smtpCode", "class", "reason"], bounce.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("kijitora@example.org", "5.1.1", "hard"), (bounce.GetProperty("address").GetString(), bounce.GetProperty("status").GetString(), bounce.GetProperty("class").GetString()));
        Assert.Empty(items[2].GetProperty("recipients").EnumerateArray());
    }

    [Fact]
    public async Task Parse_of_a_missing_file_is_one_error_line()
    {
        var (exit, output, error) = await Run("bounces", "parse", temp.File("nope.eml"));
        Assert.Equal(NewsletterApp.UserError, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("nope.eml: no such file or folder", error, StringComparison.Ordinal);
    }
}
