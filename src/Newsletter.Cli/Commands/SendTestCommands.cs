using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter send-test &lt;issue&gt;</c>: the exact e-mail of one segment's variant to a few editors.</summary>
internal static class SendTestCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<SendTestCommand>("send-test")
            .WithDescription(Markup.Escape(Texts.Format("cli.send_test.description", TestSender.SubjectPrefix, TestSender.MaxRecipients)))
            .WithExample("send-test", "seeds/sample-issue.md", "--to", "editor@example.org", "--segment", "county")
            .WithExample("send-test", "seeds/sample-issue.md", "--as", "leader@example.gov.cn");
}

internal sealed class SendTestSettings : GlobalSettings
{
    [CommandArgument(0, "<issue>")]
    [Text("cli.send_test.issue")]
    public string Issue { get; init; } = "";

    [CommandOption("--to <ADDRESS>")]
    [Text("cli.send_test.to")]
    public string[] To { get; init; } = [];

    [CommandOption("--segment <SEGMENT>")]
    [Text("cli.send_test.segment")]
    public string? Segment { get; init; }

    [CommandOption("--as <EMAIL>")]
    [Text("cli.send_test.as")]
    public string? As { get; init; }
}

internal sealed class SendTestCommand : AsyncCommand<SendTestSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SendTestSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var sender = services.GetRequiredService<TestSender>();
        var report = await sender.SendAsync(new TestSendRequest(settings.Issue, settings.Segment, settings.To, settings.As), cancellationToken);

        Say.Line("cli.send_test.test_of_issue_variant", report.IssueKey, report.Segment, report.Subject);
        foreach (var result in report.Results)
        {
            AnsiConsole.MarkupLineInterpolated($"  {(result.Delivered ? "sent  " : "FAILED")} {result.Recipient}: {result.Reply}");
        }
        Say.Line("cli.send_test.through_logged_as_a", services.GetRequiredService<IMailTransport>().Description);
        var failed = report.Results.Count(r => !r.Delivered);
        if (failed > 0)
        {
            throw new UserErrorException(Texts.Format("cli.send_test.of_test_messages_were", failed, report.Results.Count), Texts.Get("cli.send_test.see_the_replies_above"));
        }
        return NewsletterApp.Ok;
    }
}
