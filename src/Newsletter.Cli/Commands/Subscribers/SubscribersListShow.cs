using System.Text.Json;
using Newsletter.Core.Audience;

namespace Newsletter.Cli.Commands;

internal sealed class SubscribersListSettings : GlobalSettings
{
    [CommandOption("--segment <SEGMENT>")]
    [Text("cli.subscribers.segment_2")]
    public string? Segment { get; init; }

    [CommandOption("--status <STATUS>")]
    [Text("cli.subscribers.status")]
    public string? Status { get; init; }

    [CommandOption("--search <TEXT>")]
    [Text("cli.subscribers.search")]
    public string? Search { get; init; }

    [CommandOption("--tag <TAG>")]
    [Text("cli.subscribers.tag")]
    public string? Tag { get; init; }

    [CommandOption("--limit <N>")]
    [Text("cli.subscribers.limit")]
    public int Limit { get; init; } = 1000;

    [CommandOption("--json")]
    [Text("cli.subscribers.json")]
    public bool Json { get; init; }
}

internal sealed class SubscribersListCommand : AsyncCommand<SubscribersListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersListSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (settings.Limit < 1)
            {
                throw new UserErrorException(Texts.Get("cli.subscribers.limit_must_be_at"));
            }
            var store = services.GetRequiredService<ISubscriberStore>();
            var status = SubscribersCommands.ParseStatus(settings.Status);
            var rows = new List<Subscriber>();
            long after = 0;
            while (rows.Count < settings.Limit)
            {
                var page = await store.SearchAsync(new SubscriberQuery(settings.Segment, status, settings.Search, settings.Tag, after,
                    Math.Min(1000, settings.Limit - rows.Count)), cancellationToken);
                rows.AddRange(page);
                if (page.Count == 0 || rows.Count >= settings.Limit) break;
                after = page[^1].Id;
            }

            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, SubscribersCommands.Json));
                return NewsletterApp.Ok;
            }
            var console = SubscribersCommands.Out();
            if (rows.Count == 0)
            {
                Console.Out.WriteLine(Texts.Get("cli.subscribers.none_match"));
                return NewsletterApp.Ok;
            }
            var table = new Table().AddColumn(Texts.Get("cli.subscribers.email_4")).AddColumn("姓名").AddColumn("单位").AddColumn("职务").AddColumn("类别")
                .AddColumn("区县").AddColumn(Texts.Get("cli.subscribers.status_3"));
            foreach (var s in rows)
            {
                table.AddRow(TerminalText.Cell(s.Email), TerminalText.Cell(s.Name), TerminalText.Cell(s.Organisation ?? ""), TerminalText.Cell(s.Title ?? ""),
                    TerminalText.Cell(string.Join(",", s.Segments)), TerminalText.Cell(s.District ?? ""),
                    s.Status == SubscriberStatus.Active ? "active" : $"[yellow]{s.Status.ToWord()}[/]");
            }
            console.Write(table);
            Console.Out.WriteLine(rows.Count == settings.Limit ? $"first {rows.Count} shown; raise --limit or narrow the search" : $"{rows.Count} subscriber(s)");
            return NewsletterApp.Ok;
        });
}

internal class SubscriberEmailSettings : GlobalSettings
{
    [CommandArgument(0, "<email>")]
    [Text("cli.subscribers.email")]
    public string Email { get; init; } = "";
}

internal sealed class SubscribersShowSettings : SubscriberEmailSettings
{
    [CommandOption("--json")]
    [Text("cli.subscribers.json_2")]
    public bool Json { get; init; }
}

internal sealed class SubscribersShowCommand : AsyncCommand<SubscribersShowSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersShowSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var s = await SubscribersCommands.FindOrFailAsync(services.GetRequiredService<ISubscriberStore>(), settings.Email, cancellationToken);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(s, SubscribersCommands.Json));
            }
            else
            {
                SubscribersCommands.PrintSubscriber(SubscribersCommands.Out(), s);
                // issue 17: the subscriber's returned mail.
                BouncesCommands.Print(null, await services.GetRequiredService<Newsletter.Core.Bounces.IBounceStore>()
                    .ListAsync(new Newsletter.Core.Bounces.BounceQuery(SubscriberId: s.Id, Limit: 20), cancellationToken));
            }
            return NewsletterApp.Ok;
        });
}
