using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Newsletter.Data;
using Newsletter.Core.Users;
using Newsletter.Data.Users;
using Newsletter.Testing;
using Newsletter.Web.Accounts;

namespace Newsletter.Cli.Tests.Commands;

[Slow]
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
    [InlineData("short\n", "--role", "editor", "at least 12 characters")]
    [InlineData("            \n", "--role", "editor", "cannot be only spaces")]
    [InlineData("Wang-1234567890\n", "--role", "editor", "cannot be or contain the login")]
    [InlineData("password2024!!\n", "--role", "editor", "common password")]
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
    public async Task Sign_out_and_set_password_change_the_security_stamp_that_every_session_carries()
    {
        using var workspace = CliProcess.NewWorkspace();
        Assert.Equal(0, Run(workspace.Path, "first password\n", "users", "add", "sun", "--role", "editor", "--password-stdin").ExitCode);
        await using var database = new NewsletterDatabase(new DatabaseOptions(), Path.Combine(workspace.Path, "data"));
        var store = new UserStore(database, TimeProvider.System);
        var stamp = (await store.FindAsync("sun"))!.SecurityStamp;

        var signOut = Run(workspace.Path, "", "users", "sign-out", "sun");
        var afterSignOut = (await store.FindAsync("sun"))!.SecurityStamp;
        var reset = Run(workspace.Path, "another long password\n", "users", "set-password", "sun", "--password-stdin");
        var afterReset = (await store.FindAsync("sun"))!.SecurityStamp;
        var unknown = Run(workspace.Path, "", "users", "sign-out", "nobody");

        Assert.True(signOut.ExitCode == 0, signOut.ToString());
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Equal(3, new[] { stamp, afterSignOut, afterReset }.Distinct().Count());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no account 'nobody'", unknown.Stderr);
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

    /// <summary>Runs the command with <paramref name="stdin"/> piped in.</summary>
    private static CliResult Run(string workingDirectory, string stdin, params string[] args) =>
        CliProcess.RunWithInput(workingDirectory, null, stdin, args);
}
