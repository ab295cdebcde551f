using System.Globalization;
using System.Text.Json;
using Newsletter.Core.Audience;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter segments …</c>: the readerships a send targets.</summary>
internal static class SegmentsCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("segments", b =>
        {
            b.SetDescription(Texts.Get("cli.segments.segments.description"));
            b.AddCommand<SegmentsListCommand>("list").WithDescription(Texts.Get("cli.segments.list.description"))
                .WithExample("segments", "list");
            b.AddCommand<SegmentsAddCommand>("add").WithDescription(Texts.Get("cli.segments.add.description"))
                .WithExample("segments", "add", "science-parks", "--name-zh", "科技园区", "--name-en", "Science parks");
        });
}

internal sealed class SegmentsListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Text("cli.segments.json")]
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
            var table = new Table().AddColumn(new TableColumn(Texts.Get("cli.segments.key_2")).NoWrap()).AddColumn(new TableColumn("名称").NoWrap())
                .AddColumn(new TableColumn(Texts.Get("cli.segments.active")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.segments.unsub")).RightAligned())
                .AddColumn(new TableColumn(Texts.Get("cli.segments.bounced")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.segments.complained")).RightAligned())
                .AddColumn(new TableColumn(Texts.Get("cli.segments.total")).RightAligned());
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
    [Text("cli.segments.key")]
    public string Key { get; init; } = "";

    [CommandOption("--name-zh <NAME>")]
    [Text("cli.segments.name_zh")]
    public string? NameZh { get; init; }

    [CommandOption("--name-en <NAME>")]
    [Text("cli.segments.name_en")]
    public string? NameEn { get; init; }
}

internal sealed class SegmentsAddCommand : AsyncCommand<SegmentsAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SegmentsAddSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (string.IsNullOrWhiteSpace(settings.NameZh) || string.IsNullOrWhiteSpace(settings.NameEn))
            {
                throw new UserErrorException(Texts.Get("cli.segments.segments_add_needs_name"), Texts.Get("cli.segments.e_g_segments_add"));
            }
            await services.GetRequiredService<ISubscriberStore>().AddSegmentAsync(
                new Segment(settings.Key, settings.NameZh.Trim(), settings.NameEn.Trim(), false), cancellationToken);
            Console.Out.WriteLine(Texts.Format("cli.segments.added", settings.Key, settings.NameZh.Trim()));
            return NewsletterApp.Ok;
        });
}
