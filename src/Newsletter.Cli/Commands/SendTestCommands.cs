using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter send-test &lt;issue&gt;</c>: the exact e-mail of one segment's variant to a few editors.</summary>
internal static class SendTestCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<SendTestCommand>("send-test")
            .WithDescription($"Send one segment's variant of an issue, subject prefixed {Markup.Escape(TestSender.SubjectPrefix)}, to at most {TestSender.MaxRecipients} addresses (default: the test-recipients segment). No campaign is touched.")
            .WithExample("send-test", "seeds/sample-issue.md", "--to", "editor@example.org", "--segment", "county")
            .WithExample("send-test", "seeds/sample-issue.md", "--as", "leader@example.gov.cn");
}

internal sealed class SendTestSettings : GlobalSettings
{
    [CommandArgument(0, "<issue>")]
    [Description("The issue file (.md or .txt).")]
    public string Issue { get; init; } = "";

    [CommandOption("--to <ADDRESS>")]
    [Description("An address to send the test to; repeat for several. Default: the active members of the test-recipients segment.")]
    public string[] To { get; init; } = [];

    [CommandOption("--segment <SEGMENT>")]
    [Description("Whose variant to send (key or Chinese name). Default: the issue's first audience.")]
    public string? Segment { get; init; }

    [CommandOption("--as <EMAIL>")]
    [Description("Personalise with this subscriber's name, salutation and links instead of sample data.")]
    public string? As { get; init; }
}

internal sealed class SendTestCommand : AsyncCommand<SendTestSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SendTestSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var sender = services.GetRequiredService<TestSender>();
        var report = await sender.SendAsync(new TestSendRequest(settings.Issue, settings.Segment, settings.To, settings.As), cancellationToken);

        AnsiConsole.MarkupLineInterpolated($"test of issue {report.IssueKey}, variant {report.Segment}: {report.Subject}");
        foreach (var result in report.Results)
        {
            AnsiConsole.MarkupLineInterpolated($"  {(result.Delivered ? "sent  " : "FAILED")} {result.Recipient}: {result.Reply}");
        }
        AnsiConsole.MarkupLineInterpolated($"through {services.GetRequiredService<IMailTransport>().Description}; logged as a test send, no campaign touched");
        var failed = report.Results.Count(r => !r.Delivered);
        if (failed > 0)
        {
            throw new UserErrorException($"{failed} of {report.Results.Count} test messages were not accepted", "see the replies above; check the Smtp settings");
        }
        return NewsletterApp.Ok;
    }
}
