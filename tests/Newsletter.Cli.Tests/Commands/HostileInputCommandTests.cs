using System.Text.Json;
using Microsoft.Data.Sqlite;
using Newsletter.Cli.Infrastructure;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 14 at the command line: hostile files and stored text give one line on stderr and exit 1 — no stack trace,
/// no "this is a bug", no escape sequence reaching the terminal.
/// </summary>
[Collection("Console")]
public sealed class HostileInputCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("hostile-cli");
    private readonly string _config;

    public HostileInputCommandTests()
    {
        _config = WriteConfig("settings.json", "sqlite", $"Data Source={_temp.File("newsletter.db")}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string WriteConfig(string name, string provider, string connectionString) =>
        InProcessCli.WriteSettings(_temp.File(name), provider, connectionString);

    private static Task<(int Exit, string Out, string Error)> Run(string? config, params string[] args) =>
        InProcessCli.RunAsync(config is null ? args : [.. args, "--config", config]);

    private static void AssertOneLineError(string stderr, string expected)
    {
        // Every command on the store first names its database; the error is the one line after it.
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("database: ", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("bug", lines[0]);
    }

    [Fact]
    public async Task Stored_control_characters_never_reach_the_terminal()
    {
        var (exit, _, error) = await Run(_config, "subscribers", "add", "--email", "evil@example.org", "--name", "张三", "--segment", "municipal");
        Assert.True(exit == 0, error);
        // What the admin form stored before it validated like the importer: a terminal escape in the name, a CR in the unit.
        using (var db = new SqliteConnection($"Data Source={_temp.File("newsletter.db")}"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE subscribers SET name = $name, organisation = $org WHERE email = 'evil@example.org'";
            update.Parameters.AddWithValue("$name", "\u001b]0;evil\u0007\u001b[2J");
            update.Parameters.AddWithValue("$org", "单位\r伪造的一行\u202e");
            update.ExecuteNonQuery();
        }

        foreach (var args in new[] { new[] { "subscribers", "show", "evil@example.org" }, ["subscribers", "list"] })
        {
            var (code, stdout, stderr) = await Run(_config, args);
            Assert.True(code == 0, stderr);
            // The list's narrow columns wrap the cells; show prints them whole.
            Assert.Contains(args[1] == "show" ? "␛]0;evil␇␛[2J" : "␛]0;", stdout);
            Assert.Contains(args[1] == "show" ? "单位␍伪造的一行\\u202e" : "单位␍", stdout);
            // Spectre's own colour codes (SGR) are fine; no other escape may remain.
            Assert.DoesNotContain('\u001b', System.Text.RegularExpressions.Regex.Replace(stdout, "\u001b\\[[0-9;]*m", ""));
            Assert.DoesNotContain('\u0007', stdout);
            Assert.DoesNotContain('\r', stdout);
        }

        // Data output stays the data: JSON escapes it, and the export keeps the stored text for a faithful backup.
        var json = await Run(_config, "subscribers", "show", "evil@example.org", "--json");
        Assert.Contains("\\u001B]0;evil", json.Out, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("emphasis")]
    [InlineData("brackets")]
    public async Task Issue_validate_reports_hostile_markdown_with_file_and_line(string kind)
    {
        var path = _temp.File(kind + ".md");
        var head = "---\ntitle: t\nnumber: 2024年第8期\ndate: 2024-08-15\naudiences: [municipal]\n---\n## 编者的话\n\n";
        File.WriteAllText(path, head + (kind == "emphasis"
            ? new string('*', 9_999) + "a" + new string('*', 9_999)
            : string.Concat(Enumerable.Repeat(new string('[', 10_000) + "\n", 10))) + "\n");
        // On this test's database, not the checkout's default home (issue 16: a test writes nothing into the checkout).
        var (exit, stdout, stderr) = await Run(_config, "issue", "validate", path);
        Assert.Equal(1, exit);
        Assert.Contains($"{path}:", stdout + stderr);
        Assert.Contains(kind == "emphasis" ? "nested more than 16 levels deep" : "nested too deeply", stdout + stderr);
        Assert.DoesNotContain("bug", stdout + stderr);
    }

    [Theory]
    [InlineData("rows", "row numbered 100000000")]
    [InlineData("strings", "compressed")]
    [InlineData("dtd", "contains a DTD")]
    public async Task Importing_a_hostile_workbook_is_one_line_and_imports_nothing(string kind, string expected)
    {
        var path = _temp.File(kind + ".xlsx");
        switch (kind)
        {
            case "rows": XlsxFiles.RowJumpBomb(path); break;
            case "strings": XlsxFiles.SharedStringBomb(path); break;
            default: XlsxFiles.WithDtd(path); break;
        }
        var (exit, _, stderr) = await Run(_config, "subscribers", "import", path, "--segment", "enterprise");
        Assert.Equal(1, exit);
        AssertOneLineError(stderr, expected);
        Assert.Contains("nothing was imported", stderr);
    }

    [Fact]
    public async Task An_unreachable_postgresql_is_one_line_naming_host_and_port()
    {
        var config = WriteConfig("pg.json", "postgres", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=5");
        foreach (var args in new[] { new[] { "subscribers", "list" }, ["campaigns", "list"] })
        {
            var (exit, _, stderr) = await Run(config, args);
            Assert.Equal(1, exit);
            AssertOneLineError(stderr, "cannot connect to PostgreSQL at 127.0.0.1:1");
            Assert.Contains("Database:ConnectionString", stderr);
        }
    }
}
