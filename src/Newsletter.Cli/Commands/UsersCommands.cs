using System.Globalization;
using System.Text.Json;
using Newsletter.Core.Users;
using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter users …</c>: the web admin's accounts (admins and editors).</summary>
internal static class UsersCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("users", b =>
        {
            b.SetDescription(Texts.Get("cli.users.users.description"));
            b.AddCommand<UsersAddCommand>("add").WithDescription(Texts.Get("cli.users.add.description"))
                .WithExample("users", "add", "zhang", "--role", "admin")
                .WithExample("users", "add", "li", "--role", "editor", "--password-stdin");
            b.AddCommand<UsersListCommand>("list").WithDescription(Texts.Get("cli.users.list.description"))
                .WithExample("users", "list");
            b.AddCommand<UsersPasswordCommand>("set-password").WithDescription(Texts.Get("cli.users.set_password.description"))
                .WithExample("users", "set-password", "zhang", "--password-stdin");
            b.AddCommand<UsersUnlockCommand>("unlock").WithDescription(Texts.Get("cli.users.unlock.description"))
                .WithExample("users", "unlock", "zhang");
            b.AddCommand<UsersSignOutCommand>("sign-out").WithDescription(Texts.Get("cli.users.sign_out.description"))
                .WithExample("users", "sign-out", "zhang");
            b.AddCommand<UsersRemoveCommand>("remove").WithDescription(Texts.Get("cli.users.remove.description"))
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
            password = AnsiConsole.Prompt(new TextPrompt<string>(Markup.Escape(Texts.Get("cli.users.password_prompt"))).Secret());
            var again = AnsiConsole.Prompt(new TextPrompt<string>(Markup.Escape(Texts.Get("cli.users.password_again_prompt"))).Secret());
            if (password != again)
            {
                throw new UserErrorException(Texts.Get("cli.users.the_two_passwords_differ"), Texts.Get("cli.hint.same_password"));
            }
        }
        else
        {
            throw new UserErrorException(Texts.Get("cli.users.no_terminal_to_prompt"), Texts.Get("cli.hint.password_stdin"));
        }
        password = password?.TrimEnd('\r', '\n');
        if (Passwords.Check(login, password) is { } problem)
        {
            // The web's rules and wording, in the run's language: one validator for both.
            throw new UserErrorException(Texts.Get("cli.users.password_refused") + Passwords.Describe(problem, new UiText(), CultureInfo.CurrentUICulture),
                Texts.Format("cli.hint.choose_password", Passwords.MinimumLength));
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
            throw new UserErrorException(e.Message, Texts.Get("cli.users.see_newsletter_users_list"));
        }
    }

    internal static UserErrorException NoSuchUser(string login) =>
        new(Texts.Format("cli.users.no_account", login), Texts.Get("cli.hint.users_list"));
}

internal class UserLoginSettings : GlobalSettings
{
    [CommandArgument(0, "<login>")]
    [Text("cli.users.login")]
    public string Login { get; init; } = "";
}

internal sealed class UsersAddSettings : UserLoginSettings
{
    [CommandOption("--role <ROLE>")]
    [Text("cli.users.role")]
    public string? Role { get; init; }

    [CommandOption("--password-stdin")]
    [Text("cli.users.password_stdin")]
    public bool PasswordStdin { get; init; }
}

internal sealed class UsersAddCommand : AsyncCommand<UsersAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UsersAddSettings settings, CancellationToken cancellationToken)
    {
        if (!UserRoles.TryParse(settings.Role, out var role))
        {
            throw new UserErrorException(settings.Role is null ? "--role is required" : $"unknown role '{settings.Role}'", Texts.Get("cli.users.use_role_admin_or"));
        }
        var password = UsersCommands.ReadPassword(settings.Login, settings.PasswordStdin);
        return UsersCommands.WithUsersAsync(settings, async users =>
        {
            var user = await users.AddAsync(settings.Login, role, Passwords.Hash(password), cancellationToken);
            Say.Line("cli.users.added", user.Login, user.Role.ToWord());
            return NewsletterApp.Ok;
        });
    }
}

internal sealed class UsersListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Text("cli.users.json")]
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
            var table = new Table().AddColumn(Texts.Get("cli.users.login_2")).AddColumn(Texts.Get("cli.users.role_2")).AddColumn(Texts.Get("cli.users.last_sign_in")).AddColumn(Texts.Get("cli.users.locked_until"));
            foreach (var a in accounts)
            {
                table.AddRow(TerminalText.Cell(a.Login), a.Role.ToWord(), LocalTime.Short(a.LastSignInAt), LocalTime.Short(a.LockedUntil));
            }
            AnsiConsole.Write(table);
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersPasswordSettings : UserLoginSettings
{
    [CommandOption("--password-stdin")]
    [Text("cli.users.password_stdin")]
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
            Say.Line("cli.users.password_of_changed_its", settings.Login);
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
            Say.Line("cli.users.unlocked", settings.Login);
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersSignOutCommand : AsyncCommand<UserLoginSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UserLoginSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.SignOutEverywhereAsync(settings.Login, cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            Say.Line("cli.users.every_web_session_of", settings.Login);
            return NewsletterApp.Ok;
        });
}

internal sealed class UsersRemoveCommand : AsyncCommand<UserLoginSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UserLoginSettings settings, CancellationToken cancellationToken) =>
        UsersCommands.WithUsersAsync(settings, async users =>
        {
            if (!await users.RemoveAsync(settings.Login, cancellationToken)) throw UsersCommands.NoSuchUser(settings.Login);
            Say.Line("cli.users.removed", settings.Login);
            return NewsletterApp.Ok;
        });
}
