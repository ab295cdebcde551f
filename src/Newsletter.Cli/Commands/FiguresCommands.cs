using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Figures;

namespace Newsletter.Cli.Commands;

/// <summary>Issue 21: the figures of a campaign in <c>campaigns show</c> (table and JSON) and <c>campaigns export</c> (.xlsx).</summary>
internal static class FiguresCommands
{
    public static Task<CampaignFigures> LoadAsync(IServiceProvider services, long campaignId, CancellationToken ct) =>
        LoadOrThrowAsync(services.GetRequiredService<ICampaignFigures>(), campaignId, ct);

    private static async Task<CampaignFigures> LoadOrThrowAsync(ICampaignFigures store, long campaignId, CancellationToken ct) =>
        await store.GetAsync(campaignId, ct)
        ?? throw new UserErrorException(Texts.Format("cli.figures.there_is_no_campaign", campaignId), Texts.Get("core.campaign.see_list_hint"));

    /// <summary>
    /// <c>{"recipients", "delivered", "deferred", "failed", "bounced", "unsubscribed", "webViews"}</c>, plus
    /// <c>"opens"</c>, <c>"proxyOpens"</c>, <c>"clicks"</c> and <c>"links"</c> when the campaign is tracked.
    /// </summary>
    public static Dictionary<string, object> Json(FigureCounts f)
    {
        var json = new Dictionary<string, object>
        {
            ["recipients"] = f.Recipients, ["delivered"] = f.Delivered, ["deferred"] = f.Deferred, ["failed"] = f.Failed,
            ["bounced"] = f.Bounced, ["unsubscribed"] = f.Unsubscribed, ["webViews"] = f.WebViews,
        };
        if (f.Tracked is { } t)
        {
            json["opens"] = t.Opens;
            json["proxyOpens"] = t.ProxyOpens;
            json["clicks"] = t.Clicks;
            json["links"] = t.Links.Select(l => new { link = l.Link, url = l.Url, text = l.Text, recipients = l.Recipients, clicks = l.Clicks }).ToList();
        }
        return json;
    }

    /// <summary>The figures of <paramref name="segment"/> (zero when the campaign has none for it).</summary>
    public static Dictionary<string, object> Json(CampaignFigures figures, string segment) =>
        Json(figures.Segments.FirstOrDefault(s => s.Segment == segment)?.Figures ?? FigureCounts.Zero);

    /// <summary>The figures table: one row per figure, one column per segment and the total (narrow enough for 80 columns).</summary>
    public static void Print(CampaignFigures figures)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Texts.Get("cli.figures.figures")).AddColumn(Texts.Get("cli.figures.figure"));
        foreach (var segment in figures.Segments)
        {
            table.AddColumn(new TableColumn(TerminalText.Cell(segment.Segment)).RightAligned());
        }
        table.AddColumn(new TableColumn(Texts.Get("cli.figures.total")).RightAligned());
        var columns = figures.Segments.Select(s => s.Figures).Append(figures.Total).Select(f => Cells(f, figures.Tracking).ToList()).ToList();
        var names = FiguresWorkbook.Columns.Concat(figures.Tracking ? FiguresWorkbook.TrackedColumns : []).Select(c => c.Name).ToList();
        for (var row = 0; row < names.Count; row++)
        {
            table.AddRow([names[row], .. columns.Select(c => c[row])]);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(Texts.Get(figures.Tracking ? "cli.figures.tracking_on" : "cli.figures.tracking_off")));
        if (figures.FrozenAt is { } frozen)
        {
            Say.Line("cli.figures.reader_events_pruned_tracking", LocalTime.Show(frozen));
        }
        if (figures.Total.Tracked is { Links.Count: > 0 } tracked)
        {
            var links = new Table().Border(TableBorder.Rounded).Title(Texts.Get("cli.figures.clicks_per_link")).AddColumn(new TableColumn("#").RightAligned())
                .AddColumn(Texts.Get("cli.figures.link")).AddColumn(new TableColumn(Texts.Get("cli.figures.recipients")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.figures.clicks")).RightAligned());
            foreach (var l in tracked.Links)
            {
                links.AddRow($"{l.Link}", TerminalText.Cell($"{l.Text} {l.Url}"), $"{l.Recipients}", $"{l.Clicks}");
            }
            AnsiConsole.Write(links);
        }
    }

    private static IEnumerable<string> Cells(FigureCounts f, bool tracking)
    {
        string[] cells = [$"{f.Recipients}", $"{f.Delivered}", $"{f.Deferred}", $"{f.Failed}", $"{f.Bounced}", $"{f.Unsubscribed}", $"{f.WebViews}"];
        return tracking ? [.. cells, $"{f.Tracked?.Opens ?? 0}", $"{f.Tracked?.ProxyOpens ?? 0}", $"{f.Tracked?.Clicks ?? 0}"] : cells;
    }
}

internal sealed class CampaignsExportSettings : CampaignIdSettings
{
    [CommandOption("-o|--output <PATH>")]
    [Text("cli.figures.output")]
    public string? Output { get; init; }
}

/// <summary><c>campaigns export &lt;id&gt; -o report.xlsx</c>: the campaign's figures per segment as a workbook.</summary>
internal sealed class CampaignsExportCommand : AsyncCommand<CampaignsExportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignsExportSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var campaign = await CampaignsCommands.RequireAsync(services.GetRequiredService<ICampaignStore>(), settings.Id, cancellationToken);
        var figures = await FiguresCommands.LoadAsync(services, campaign.Id, cancellationToken);
        var known = await services.GetRequiredService<ISubscriberStore>().ListSegmentsAsync(cancellationToken);
        var path = Path.GetFullPath(settings.Output ?? $"campaign-{campaign.Id}-figures.xlsx");
        if (!path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserErrorException(Texts.Format("cli.figures.is_not_an_xlsx", settings.Output), Texts.Get("cli.hint.name_xlsx"));
        }
        // Written beside and moved into place: a failed export leaves no half-written workbook behind.
        var temporary = path + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = File.Create(temporary))
            {
                FiguresWorkbook.Write(file, campaign, figures, k => known.FirstOrDefault(s => s.Key == k)?.NameZh ?? k,
                    services.GetRequiredService<TimeProvider>().GetUtcNow());
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new UserErrorException(Texts.Format("cli.figures.cannot_write", path, e.Message), Texts.Get("cli.hint.writable_o"));
        }
        Say.Line("cli.figures.figures_of_campaign_written", campaign.Id, path);
        return NewsletterApp.Ok;
    }
}
