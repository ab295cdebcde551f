using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter segments …</c>: the readerships a send targets.</summary>
internal static class SegmentsCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("segments", b =>
        {
            b.SetDescription("Segments (市级领导, 县级领导, 重点企业 and admin-defined ones): list with counts, add.");
            b.AddCommand<SegmentsListCommand>("list").WithDescription("List segments with subscriber counts per status.")
                .WithExample("segments", "list");
            b.AddCommand<SegmentsAddCommand>("add").WithDescription("Add a segment.")
                .WithExample("segments", "add", "science-parks", "--name-zh", "科技园区", "--name-en", "Science parks");
        });
}

internal sealed class SegmentsListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Description("Print JSON: key, names, built-in and the count per status.")]
    public bool Json { get; init; }
}

internal sealed class SegmentsListCommand : AsyncCommand<SegmentsListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SegmentsListSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var counts = await services.GetRequiredService<ISubscriberStore>().CountBySegmentAsync(cancellationToken);
            if (settings.Json)
            {
                var rows = counts.Select(c => new
                {
                    c.Segment.Key,
                    c.Segment.NameZh,
                    c.Segment.NameEn,
                    c.Segment.BuiltIn,
                    c.Active,
                    c.Unsubscribed,
                    c.Bounced,
                    c.Complained,
                    c.Total,
                });
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, SubscribersCommands.Json));
                return NewsletterApp.Ok;
            }
            // The English name is in --json; the table keeps to 80 columns.
            var table = new Table().AddColumn(new TableColumn("key").NoWrap()).AddColumn(new TableColumn("名称").NoWrap())
                .AddColumn(new TableColumn("active").RightAligned()).AddColumn(new TableColumn("unsub.").RightAligned())
                .AddColumn(new TableColumn("bounced").RightAligned()).AddColumn(new TableColumn("complained").RightAligned())
                .AddColumn(new TableColumn("total").RightAligned());
            foreach (var c in counts)
            {
                table.AddRow(TerminalText.Cell(c.Segment.Key) + (c.Segment.BuiltIn ? "" : " [grey](admin)[/]"), TerminalText.Cell(c.Segment.NameZh),
                    N(c.Active), N(c.Unsubscribed), N(c.Bounced), N(c.Complained), N(c.Total));
            }
            SubscribersCommands.Out().Write(table);
            return NewsletterApp.Ok;
        });

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

internal sealed class SegmentsAddSettings : GlobalSettings
{
    [CommandArgument(0, "<key>")]
    [Description("Lower-case key: letters, digits and '-', e.g. science-parks.")]
    public string Key { get; init; } = "";

    [CommandOption("--name-zh <NAME>")]
    [Description("Chinese name, e.g. 科技园区 (required).")]
    public string? NameZh { get; init; }

    [CommandOption("--name-en <NAME>")]
    [Description("English name, e.g. Science parks (required).")]
    public string? NameEn { get; init; }
}

internal sealed class SegmentsAddCommand : AsyncCommand<SegmentsAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SegmentsAddSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (string.IsNullOrWhiteSpace(settings.NameZh) || string.IsNullOrWhiteSpace(settings.NameEn))
            {
                throw new UserErrorException("segments add needs --name-zh and --name-en", "e.g. segments add science-parks --name-zh 科技园区 --name-en \"Science parks\"");
            }
            await services.GetRequiredService<ISubscriberStore>().AddSegmentAsync(
                new Segment(settings.Key, settings.NameZh.Trim(), settings.NameEn.Trim(), false), cancellationToken);
            Console.Out.WriteLine($"added segment {settings.Key} ({settings.NameZh.Trim()})");
            return NewsletterApp.Ok;
        });
}
