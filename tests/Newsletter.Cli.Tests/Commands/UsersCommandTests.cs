using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Newsletter.Data;
using Newsletter.Data.Users;
using Newsletter.Testing;
using Newsletter.Web.Accounts;

namespace Newsletter.Cli.Tests.Commands;

public sealed class UsersCommandTests
{
    [Fact]
    public async Task Add_reads_the_password_from_stdin_and_stores_only_a_hash_that_verifies()
    {
        using var workspace = CliProcess.NewWorkspace();

        var added = Run(workspace.Path, "secret password 1\n", "users", "add", "Zhang", "--role", "admin", "--password-stdin");

        Assert.True(added.ExitCode == 0, added.ToString());
        await using var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace.Path, "data"));
        var user = await new UserStore(database, TimeProvider.System).FindAsync("zhang");
        Assert.NotNull(user);
        Assert.Equal(UserRole.Admin, user.Role);
        Assert.DoesNotContain("secret password 1", user.PasswordHash);
        Assert.True(Passwords.Verify(user.PasswordHash, "secret password 1"));
        Assert.False(Passwords.Verify(user.PasswordHash, "secret password 2"));
    }

    [Fact]
    public void List_shows_logins_and_roles()
    {
        using var workspace = CliProcess.NewWorkspace();
        Assert.Equal(0, Run(workspace.Path, "editor password\n", "users", "add", "li", "--role", "editor", "--password-stdin").ExitCode);

        var list = Run(workspace.Path, "", "users", "list", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.Stdout);
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("li", row.GetProperty("login").GetString());
        Assert.Equal("editor", row.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("short\n", "--role", "editor", "shorter than 10")]
    [InlineData("long enough password\n", "--role", "boss", "unknown role 'boss'")]
    public void Bad_input_is_one_error_line_and_exit_1(string stdin, string option, string role, string expected)
    {
        using var workspace = CliProcess.NewWorkspace();

        var result = Run(workspace.Path, stdin, "users", "add", "wang", option, role, "--password-stdin");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Errors);
        Assert.Contains(expected, result.Stderr);
        Assert.Single(result.Errors.Trim().Split('\n'));
    }

    [Fact]
    public void A_login_cannot_be_added_twice()
    {
        using var workspace = CliProcess.NewWorkspace();
        Assert.Equal(0, Run(workspace.Path, "first password\n", "users", "add", "zhao", "--role", "editor", "--password-stdin").ExitCode);

        var again = Run(workspace.Path, "second password\n", "users", "add", "ZHAO", "--role", "admin", "--password-stdin");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists already", again.Stderr);
    }

    /// <summary>Runs the command with <paramref name="stdin"/> piped in (CliProcess gives no stdin).</summary>
    private static CliResult Run(string workingDirectory, string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Newsletter.Cli.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        CliProcess.UseWorkspaceAsHome(start, workingDirectory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("newsletter " + string.Join(' ', args));
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
