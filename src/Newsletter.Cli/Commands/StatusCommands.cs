using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Data;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter status</c>: where the data is and what it holds, at a glance.</summary>
internal static class StatusCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<StatusCommand>("status")
            .WithDescription(Texts.Get("cli.status.status.description"))
            .WithExample("status")
            .WithExample("status", "--json");
}

internal sealed class StatusSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Text("cli.status.json")]
    public bool Json { get; init; }
}

internal sealed class StatusCommand : AsyncCommand<StatusSettings>
{
    /// <summary>How many upcoming scheduled sends are shown.</summary>
    private const int UpcomingShown = 5;

    public override Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var home = services.GetRequiredService<NewsletterHome>();
            var database = services.GetRequiredService<NewsletterDatabase>();
            var counts = await services.GetRequiredService<ISubscriberStore>().CountBySegmentAsync(cancellationToken);
            var scheduled = (await services.GetRequiredService<IScheduleStore>().ListScheduledAsync(cancellationToken))
                .Where(c => c.ScheduledAt is not null).OrderBy(c => c.ScheduledAt).Take(UpcomingShown).ToList();
            var campaigns = services.GetRequiredService<ICampaignStore>();
            var all = await campaigns.ListAsync(cancellationToken);
            var last = all.Count > 0 ? all[0] : null;   // newest first
            var lastCounts = last is null ? [] : await campaigns.CountAsync(last.Id, cancellationToken);

            if (settings.Json)
            {
                CampaignsCommands.WriteJson(new
                {
                    home = home.Directory,
                    homeOrigin = home.Origin,
                    installation = home.Installation,
                    database = new { provider = database.Provider.ToString().ToLowerInvariant(), description = database.Description, file = database.SqliteFile },
                    segments = counts.Select(c => new
                    {
                        key = c.Segment.Key, name = c.Segment.NameZh, active = c.Active, unsubscribed = c.Unsubscribed, bounced = c.Bounced,
                        complained = c.Complained, total = c.Total,
                    }),
                    scheduled = scheduled.Select(c => new { id = c.Id, issue = c.IssueKey, title = c.Title, segments = c.Segments, at = c.ScheduledAt }),
                    lastCampaign = last is null ? null : CampaignsCommands.Describe(last, lastCounts),
                });
                return NewsletterApp.Ok;
            }

            Say.Line("cli.status.home", home.Directory, home.Origin);
            Say.Line("cli.status.database", database.Description);
            var table = new Table().Border(TableBorder.Rounded).AddColumn(Texts.Get("cli.status.segment"))
                .AddColumn(new TableColumn(Texts.Get("cli.status.active")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.status.unsubscribed")).RightAligned())
                .AddColumn(new TableColumn(Texts.Get("cli.status.bounced")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.status.complained")).RightAligned());
            foreach (var c in counts)
            {
                table.AddRow($"{Markup.Escape(c.Segment.Key)} {Markup.Escape(c.Segment.NameZh)}", $"{c.Active}", $"{c.Unsubscribed}", $"{c.Bounced}", $"{c.Complained}");
            }
            AnsiConsole.Write(table);
            if (scheduled.Count == 0)
            {
                AnsiConsole.MarkupLine(Texts.Get("cli.status.scheduled_none"));
            }
            foreach (var c in scheduled)
            {
                Say.Line("cli.status.scheduled_campaign_at_utc", c.Id, c.Title, string.Join(", ", c.Segments), LocalTime.Show(c.ScheduledAt));
            }
            if (last is null)
            {
                AnsiConsole.MarkupLine(Texts.Get("cli.status.last_campaign_none"));
            }
            else
            {
                Say.Line("cli.status.last_campaign_sent_of", last.Id, last.Title, CampaignsCommands.Word(last.State), lastCounts.Sum(c => c.Sent), lastCounts.Sum(c => c.Total));
            }
            return NewsletterApp.Ok;
        });
}
