using System.ComponentModel;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter publish &lt;issue&gt;</c>: compose the issue and deliver it to its audiences.</summary>
internal static class PublishCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<PublishCommand>("publish")
            .WithDescription("Compose an issue (.md or the plain-text bulletin .txt) and deliver it to the active subscribers of its segments.")
            .WithExample("publish", "seeds/sample-issue.md");
}

internal sealed class PublishSettings : CommandSettings
{
    [CommandArgument(0, "<issue>")]
    [Description("The issue file: Markdown with front matter (.md) or the plain-text bulletin (.txt).")]
    public string Issue { get; init; } = "";
}

internal sealed class PublishCommand : AsyncCommand<PublishSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, PublishSettings settings, CancellationToken cancellationToken)
    {
        return Task.FromResult(0);
    }
}
