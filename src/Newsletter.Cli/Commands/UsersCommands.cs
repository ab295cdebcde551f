using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Users;
using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter users …</c>: the web admin's accounts (admins and editors).</summary>
internal static class UsersCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("users", b =>
        {
            b.SetDescription("Web admin accounts: admins (everything) and editors (issues, previews, test sends, reports).");
            b.AddCommand<UsersAddCommand>("add").WithDescription("Add an account; the password is prompted, or read from stdin with --password-stdin.")
                .WithExample("users", "add", "zhang", "--role", "admin")
                .WithExample("users", "add", "li", "--role", "editor", "--password-stdin");
            b.AddCommand<UsersListCommand>("list").WithDescription("List the accounts with role, last sign-in and lockout.")
                .WithExample("users", "list");
            b.AddCommand<UsersPasswordCommand>("set-password").WithDescription("Set a new password (and lift a lockout).")
                .WithExample("users", "set-password", "zhang", "--password-stdin");
            b.AddCommand<UsersUnlockCommand>("unlock").WithDescription("Lift the lockout after repeated failed sign-ins.")
                .WithExample("users", "unlock", "zhang");
            b.AddCommand<UsersSignOutCommand>("sign-out").WithDescription("End every web session of the account at its next request (sign out everywhere).")
                .WithExample("users", "sign-out", "zhang");
            b.AddCommand<UsersRemoveCommand>("remove").WithDescription("Remove an account; its sessions end at their next request.")
                .WithExample("users", "remove", "li");
        });

    /// <summary>The password from stdin (first line) or, interactively, prompted twice; checked against the rules for <paramref name="login"/>.</summary>
    internal static string ReadPassword(string login, bool fromStdin)
    {
        string? password;
        if (fromStdin)
        {
            password = Console.In.ReadLine();
        }
        else if (!Console.IsInputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            password = AnsiConsole.Prompt(new TextPrompt<string>("password:").Secret());
            var again = AnsiConsole.Prompt(new TextPrompt<string>("password again:").Secret());
            if (password != again)
            {
                throw new UserErrorException("the two passwords differ", "type the same password twice");
            }
        }
        else
        {
            throw new UserErrorException("no terminal to prompt for the password", "pipe it in with --password-stdin");
        }
        password = password?.TrimEnd('\r', '\n');
        if (Passwords.Check(login, password) is { } problem)
        {
            // The web's rules and wording (English here): one validator for both.
            throw new UserErrorException("password refused: " + Passwords.Describe(problem, new UiText(), CultureInfo.GetCultureInfo("en")),
                $"choose another: at least {Passwords.MinimumLength} characters, not the login, not a common password");
        }
        return password!;
    }

    internal static async Task<int> WithUsersAsync(GlobalSettings settings, Func<IUserStore, Task<int>> body)
    {
        await using var services = AppServices.Build(settings);
        try
        {
            return await body(services.GetRequiredService<IUserStore>());
        }
        catch (UserAccountException e)
        {
            throw new UserErrorException(e.Message, "see `newsletter users list`");
        }
    }

    internal static UserErrorException NoSuchUser(string login) =>
        new($"no account '{login}'", "see `newsletter users list`");
}

internal class UserLoginSettings : GlobalSettings
{
    [CommandArgument(0, "<login>")]
    [Description("The login: 2–64 letters, digits, '.', '-', '_' or '@' (case-insensitive).")]
    public string Login { get; init; } = "";
}

internal sealed class UsersAddSettings : UserLoginSettings
{
    [CommandOption("--role <ROLE>")]
    [Description("admin or editor (required).")]
    public string? Role { get; init; }

    [CommandOption("--password-stdin")]
    [Description("Read the password from the first line of stdin instead of prompting.")]
    public bool PasswordStdin { get; init; }
}

internal sealed class UsersAddCommand : AsyncCommand<UsersAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UsersAddSettings settings, CancellationToken cancellationToken)
    {
        if (!UserRoles.TryParse(settings.Role, out var role))
        {
            throw new UserErrorException(settings.Role is null ? "--role is required" : $"unknown role '{settings.Role}'", "use --role admin or --role editor");
        }
        var password = UsersCommands.ReadPassword(settings.Login, settings.PasswordStdin);
        return UsersCommands.WithUsersAsync(settings, async users =>
        {
            var user = await users.AddAsync(settings.Login, role, Passwords.Hash(password), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"added {user.Login} ({user.Role.ToWord()})");
            return NewsletterApp.Ok;
        });
    }
}

internal sealed class UsersListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Description("Print JSON: login, role, lastSignInAt, lockedUntil.")]
    public bool Json { get; init; }
}

internal sealed class UsersListCommand : AsyncCommand<UsersListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UsersListSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            var accounts = await users.ListAsync(cancellationToken);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(accounts.Select(a => new
                {
                    a.Login,
                    Role = a.Role.ToWord(),
                    a.LastSignInAt,
                    a.LockedUntil,
                }), SubscribersCommands.Json));
                return NewsletterApp.Ok;
            }
            var table = new Table().AddColumn("login").AddColumn("role").AddColumn("last sign-in").AddColumn("locked until");
            foreach (var a in accounts)
            {
                table.AddRow(TerminalText.Cell(a.Login), a.Role.ToWord(), a.LastSignInAt?.ToString("u") ?? "-", a.LockedUntil?.ToString("u") ?? "-");
            }
            AnsiConsole.Write(table);
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersPasswordSettings : UserLoginSettings
{
    [CommandOption("--password-stdin")]
    [Description("Read the password from the first line of stdin instead of prompting.")]
    public bool PasswordStdin { get; init; }
}

internal sealed class UsersPasswordCommand : AsyncCommand<UsersPasswordSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UsersPasswordSettings settings, CancellationToken cancellationToken)
    {
        var password = UsersCommands.ReadPassword(settings.Login, settings.PasswordStdin);
        return UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.SetPasswordAsync(settings.Login, Passwords.Hash(password), cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            AnsiConsole.MarkupLineInterpolated($"password of {settings.Login} changed; its web sessions have ended");
            return NewsletterApp.Ok;
        });
    }
}

internal sealed class UsersUnlockCommand : AsyncCommand<UserLoginSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UserLoginSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.UnlockAsync(settings.Login, cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            AnsiConsole.MarkupLineInterpolated($"{settings.Login} unlocked");
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersSignOutCommand : AsyncCommand<UserLoginSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UserLoginSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.SignOutEverywhereAsync(settings.Login, cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            AnsiConsole.MarkupLineInterpolated($"every web session of {settings.Login} has ended");
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersRemoveCommand : AsyncCommand<UserLoginSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UserLoginSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.RemoveAsync(settings.Login, cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            AnsiConsole.MarkupLineInterpolated($"removed {settings.Login}");
            return NewsletterApp.Ok;
        });
}
