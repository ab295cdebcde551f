using Newsletter.Cli.Commands;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Data;
using Newsletter.Core.Campaigns;

namespace Newsletter.Cli.Infrastructure;

/// <summary>Builds the command tree and turns every failure into one line on stderr and an exit code.</summary>
internal static class NewsletterApp
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a user error: bad input, validation, a refused operation.</summary>
    public const int UserError = 1;

    /// <summary>Exit code for a usage error: unknown verb or option, missing argument.</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        using var terminal = TerminalText.Install(); // stored text never controls the terminal
        var (culture, rest, unknown) = CliLanguage.Resolve(args);
        CliLanguage.Apply(culture);
        if (unknown is not null)
        {
            Errors.Write(Texts.Format("cli.error.unknown_language", unknown), Texts.Get("cli.error.unknown_language_hint"));
            return UsageError;
        }
        var app = Create(_ => { });

        try
        {
            return await app.RunAsync(rest);
        }
        catch (CommandAppException e) when (e is CommandParseException or CommandRuntimeException or CommandConfigurationException)
        {
            Errors.Write(UsageErrors.Describe(e), Texts.Get("cli.error.usage_hint"));
            return UsageError;
        }
        catch (IssueRejectedException e)
        {
            foreach (var error in e.Errors)
            {
                Errors.Write(error.ToString(), null);
            }
            Console.Error.WriteLine(Texts.Get("cli.error.nothing_sent"));
            return UserError;
        }
        catch (Exception e) when (Errors.DatabaseUnreachable(e) is { } unreachable)
        {
            Errors.Write(unreachable, Errors.DatabaseHint);
            return UserError;
        }
        catch (UserFacingException e)
        {
            // Every user-facing fault of the project, one mapping (UserFacingMessage): "error: what — how to fix".
            Errors.Write(UserFacingMessage.Of(e));
            return UserError;
        }
        catch (Exception e) when (KnownUserError(e) is { } hint)
        {
            Errors.Write(e.Message, hint);
            return UserError;
        }
        catch (OperationCanceledException)
        {
            Errors.Write(Texts.Get("cli.error.cancelled"), null);
            return UserError;
        }
        catch (Exception e)
        {
            // Faults we did not anticipate still get one line, never a stack trace; NEWSLETTER_DEBUG=1 shows it.
            // The type name helps whoever reads the report, so it stays — after the words for the user.
            Errors.Write(Texts.Format("cli.error.unexpected", e.Message, e.GetType().Name), Texts.Get("cli.error.unexpected_hint"));
            if (Environment.GetEnvironmentVariable("NEWSLETTER_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }
            return UserError;
        }
    }

    /// <summary>
    /// The fix to suggest for a fault of a library that is the user's to correct (not one of ours, which are
    /// <see cref="UserFacingException"/>s), or null for a bug.
    /// </summary>
    private static string? KnownUserError(Exception e) => e switch
    {
        IOException when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) =>
            Texts.Get("cli.error.address_in_use_hint"),
        DeliveryException { Kind: DeliveryFailureKind.Configuration } => Texts.Get("cli.error.smtp_settings_hint"),
        _ => null,
    };

    /// <summary>
    /// The command tree in the run's language (<see cref="CliLanguage.Apply"/> first), with <paramref name="extra"/>
    /// configuration (tests add an interceptor that stops after binding).
    /// </summary>
    internal static CommandApp Create(Action<IConfigurator> extra)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("newsletter");
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            // Spectre's own words (USAGE, OPTIONS, its parse errors) in the run's language too.
            config.Settings.Culture = Texts.IsEnglish ? System.Globalization.CultureInfo.InvariantCulture : System.Globalization.CultureInfo.GetCultureInfo("zh-Hans");
            config.SetHelpProvider(new HelpText(config.Settings));
            Register(config);
            extra(config);
        });
        return app;
    }

    /// <summary>Every verb group, one line each; the commands live in Commands/*.cs.</summary>
    private static void Register(IConfigurator config)
    {
        PublishCommands.Register(config);
        IssueCommands.Register(config);
        SubscribersCommands.Register(config);
        SegmentsCommands.Register(config);
        MjmlCommands.Register(config);
        CampaignsCommands.Register(config);
        SendTestCommands.Register(config);
        ServeCommands.Register(config);
        DoctorCommands.Register(config);
        ScheduleCommands.Register(config);
        UsersCommands.Register(config);
        SecretsCommands.Register(config);
        StatusCommands.Register(config);
        BouncesCommands.Register(config);
    }
}
