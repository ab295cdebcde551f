using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter campaigns …</c>: see, pause, resume, cancel campaigns and retry their failed recipients.</summary>
internal static class CampaignsCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("campaigns", campaigns =>
        {
            campaigns.SetDescription(Texts.Get("cli.campaigns.campaigns.description"));
            campaigns.AddCommand<CampaignsListCommand>("list")
                .WithDescription(Texts.Get("cli.campaigns.list.description"))
                .WithExample("campaigns", "list", "--json");
            campaigns.AddCommand<CampaignsShowCommand>("show")
                .WithDescription(Texts.Get("cli.campaigns.show.description"))
                .WithExample("campaigns", "show", "1", "--failures-csv", "failures.csv");
            campaigns.AddCommand<CampaignsPauseCommand>("pause")
                .WithDescription(Texts.Get("cli.campaigns.pause.description"))
                .WithExample("campaigns", "pause", "1");
            campaigns.AddCommand<CampaignsResumeCommand>("resume")
                .WithDescription(Texts.Get("cli.campaigns.resume.description"))
                .WithExample("campaigns", "resume", "1");
            campaigns.AddCommand<CampaignsCancelCommand>("cancel")
                .WithDescription(Texts.Get("cli.campaigns.cancel.description"))
                .WithExample("campaigns", "cancel", "1");
            campaigns.AddCommand<CampaignsRetryFailedCommand>("retry-failed")
                .WithDescription(Texts.Get("cli.campaigns.retry_failed.description"))
                .WithExample("campaigns", "retry-failed", "1");
            campaigns.AddCommand<CampaignsExportCommand>("export")   // issue 21
                .WithDescription(Texts.Get("cli.campaigns.export.description"))
                .WithExample("campaigns", "export", "1", "-o", "report.xlsx");
        });

    /// <summary>The campaign with <paramref name="id"/>, or a user error naming how to find one.</summary>
    internal static async Task<Campaign> RequireAsync(ICampaignStore store, long id, CancellationToken ct) =>
        await store.GetAsync(id, ct)
        ?? throw new UserErrorException(Texts.Format("cli.campaigns.there_is_no_campaign", id), Texts.Get("cli.campaigns.see_newsletter_campaigns_list"));

    internal static string Word(CampaignState state) => CampaignLifecycle.Word(state);

    internal static string Word(OutboxStatus status) => status.ToString().ToLowerInvariant();

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Keep Chinese readable in the output instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static object Counts(IEnumerable<VariantCounts> counts)
    {
        var all = counts.ToList();
        return new
        {
            pending = all.Sum(c => c.Pending),
            sent = all.Sum(c => c.Sent),
            deferred = all.Sum(c => c.Deferred),
            failed = all.Sum(c => c.Failed),
            skipped = all.Sum(c => c.Skipped),
            total = all.Sum(c => c.Total),
        };
    }

    internal static object Describe(Campaign campaign, IReadOnlyList<VariantCounts> counts) => new
    {
        id = campaign.Id,
        issue = campaign.IssueKey,
        title = campaign.Title,
        segments = campaign.Segments,
        districts = campaign.Tags.Districts,
        industries = campaign.Tags.Industries,
        state = Word(campaign.State),
        stateReason = campaign.StateReason,
        scheduledAt = campaign.ScheduledAt,
        createdAt = campaign.CreatedAt,
        updatedAt = campaign.UpdatedAt,
        counts = Counts(counts),
    };

    internal static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}

internal class CampaignIdSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Text("cli.campaigns.id")]
    public long Id { get; init; }
}

internal sealed class CampaignsListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Text("cli.campaigns.json")]
    public bool Json { get; init; }
}

internal sealed class CampaignsListCommand : AsyncCommand<CampaignsListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignsListSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var store = services.GetRequiredService<ICampaignStore>();
        var campaigns = await store.ListAsync(cancellationToken);
        var rows = new List<(Campaign Campaign, IReadOnlyList<VariantCounts> Counts)>();
        foreach (var campaign in campaigns)
        {
            rows.Add((campaign, await store.CountAsync(campaign.Id, cancellationToken)));
        }
        if (settings.Json)
        {
            CampaignsCommands.WriteJson(rows.Select(r => CampaignsCommands.Describe(r.Campaign, r.Counts)).ToList());
            return NewsletterApp.Ok;
        }
        if (rows.Count == 0)
        {
            AnsiConsole.WriteLine(Texts.Get("cli.campaigns.no_campaigns_yet_newsletter"));
            return NewsletterApp.Ok;
        }
        // One line per campaign: readable at any terminal width, and greppable.
        foreach (var (campaign, counts) in rows)
        {
            var deferred = counts.Sum(c => c.Deferred);
            var failed = counts.Sum(c => c.Failed);
            var pending = counts.Sum(c => c.Pending);
            var line = $"{campaign.Id,4}  {campaign.IssueKey}  {CampaignsCommands.Word(campaign.State)}  {string.Join(",", campaign.Segments)}" +
                $"{AudienceTagOptions.Suffix(campaign.Tags)}  " +
                $"sent {counts.Sum(c => c.Sent)} of {counts.Sum(c => c.Total)}" +
                (pending > 0 ? $", {pending} pending" : "") + (deferred > 0 ? $", {deferred} deferred" : "") + (failed > 0 ? $", {failed} failed" : "") +
                "  " + Texts.Format("cli.campaigns.updated_at", LocalTime.Show(campaign.UpdatedAt));
            Console.Out.WriteLine(line);
        }
        return NewsletterApp.Ok;
    }
}

internal sealed class CampaignsShowSettings : CampaignIdSettings
{
    [CommandOption("--json")]
    [Text("cli.campaigns.json_2")]
    public bool Json { get; init; }

    [CommandOption("--failures-csv <PATH>")]
    [Text("cli.campaigns.failures_csv")]
    public string? FailuresCsv { get; init; }

    [CommandOption("--limit <N>")]
    [Text("cli.campaigns.limit")]
    public int Limit { get; init; } = 50;
}

internal sealed class CampaignsShowCommand : AsyncCommand<CampaignsShowSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignsShowSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var store = services.GetRequiredService<ICampaignStore>();
        var campaign = await CampaignsCommands.RequireAsync(store, settings.Id, cancellationToken);
        var counts = await store.CountAsync(campaign.Id, cancellationToken);
        var perSegment = campaign.Segments
            .Select(s => counts.FirstOrDefault(c => c.Variant == s) ?? new VariantCounts(s, 0, 0, 0, 0, 0)).ToList();
        var limit = Math.Max(0, settings.Limit);
        var failures = await store.ListFailuresAsync(campaign.Id, settings.FailuresCsv is null ? limit : int.MaxValue, cancellationToken);
        var (bounceCounts, bounces) = await BouncesCommands.ForCampaignAsync(services, campaign.Id, limit, cancellationToken);   // issue 17
        var figures = await FiguresCommands.LoadAsync(services, campaign.Id, cancellationToken);   // issue 21

        if (settings.FailuresCsv is { } path)
        {
            await WriteCsvAsync(path, failures, cancellationToken);
        }
        if (settings.Json)
        {
            var description = CampaignsCommands.Describe(campaign, counts);
            CampaignsCommands.WriteJson(new
            {
                campaign = description,
                segments = perSegment.Select(c => new
                {
                    segment = c.Variant, pending = c.Pending, sent = c.Sent, deferred = c.Deferred, failed = c.Failed, skipped = c.Skipped, total = c.Total,
                    figures = FiguresCommands.Json(figures, c.Variant),
                }),
                failures = failures.Take(limit).Select(f => new
                {
                    email = f.Email, segment = f.Variant, status = CampaignsCommands.Word(f.Status), attempts = f.Attempts, reply = f.Reply,
                }),
                bounces = new { hard = bounceCounts.Hard, soft = bounceCounts.Soft, complaints = bounceCounts.Complaints, recent = bounces.Select(BouncesListCommand.BounceJson) },
                tracking = figures.Tracking,
                figures = FiguresCommands.Json(figures.Total),
            });
            return NewsletterApp.Ok;
        }

        Say.Line("cli.campaigns.campaign_issue", campaign.Id, campaign.Title, campaign.IssueKey);
        Say.Line("cli.campaigns.state", CampaignsCommands.Word(campaign.State), (campaign.StateReason is { } r ? " — " + r : ""));
        Say.Line("cli.campaigns.audience", string.Join(", ", campaign.Segments), (campaign.Tags.IsEmpty ? Texts.Get("cli.campaigns.no_tag_filter") : AudienceTagOptions.Suffix(campaign.Tags)));
        CampaignRun.PrintCounts(campaign, counts);
        foreach (var sender in await store.ListSendersAsync(campaign.Id, cancellationToken))
        {
            Say.Line("cli.campaigns.sending_on_node_messages", sender.Node, sender.Leased, LocalTime.Show(sender.LastHeartbeat));
        }
        if (failures.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn(Texts.Get("cli.campaigns.recipient")).AddColumn(Texts.Get("cli.campaigns.segment")).AddColumn(Texts.Get("cli.campaigns.status"))
                .AddColumn(new TableColumn(Texts.Get("cli.campaigns.attempts")).RightAligned()).AddColumn(Texts.Get("cli.campaigns.last_reply"));
            foreach (var f in failures.Take(limit))
            {
                table.AddRow(TerminalText.Cell(f.Email), TerminalText.Cell(f.Variant), CampaignsCommands.Word(f.Status), $"{f.Attempts}",
                    TerminalText.Cell(f.Reply ?? ""));
            }
            AnsiConsole.Write(table);
            if (failures.Count > limit)
            {
                Say.Line("cli.campaigns.and_more_failures_csv");
            }
        }
        BouncesCommands.Print(bounceCounts, bounces);   // issue 17
        FiguresCommands.Print(figures);   // issue 21
        if (settings.FailuresCsv is not null)
        {
            Say.Line("cli.campaigns.failed_or_deferred_recipients", failures.Count, Path.GetFullPath(settings.FailuresCsv));
        }
        return NewsletterApp.Ok;
    }

    private static async Task WriteCsvAsync(string path, IReadOnlyList<RecipientFailure> failures, CancellationToken ct)
    {
        var builder = new StringBuilder();
        builder.Append(CsvText.Line(["email", "segment", "status", "attempts", "last_reply"])).Append("\r\n");
        foreach (var f in failures)
        {
            builder.Append(CsvText.Line([CsvText.Neutralise(f.Email), f.Variant, CampaignsCommands.Word(f.Status),
                f.Attempts.ToString(CultureInfo.InvariantCulture), CsvText.Neutralise(f.Reply ?? "")])).Append("\r\n");
        }
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
            // UTF-8 with BOM, so Excel shows the Chinese columns correctly.
            await File.WriteAllTextAsync(path, builder.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException(Texts.Format("cli.campaigns.cannot_write", path, e.Message), Texts.Get("cli.campaigns.choose_a_writable_path"));
        }
    }
}

/// <summary>The CLI's name for who asks: the operating-system user, as the web names its signed-in account.</summary>
internal static class CampaignsActor
{
    public static string Name => "the administrator (cli:" + Environment.UserName + ")";
}

internal sealed class CampaignsPauseCommand : AsyncCommand<CampaignIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignIdSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var answer = (await services.GetRequiredService<CampaignLifecycle>().PauseAsync(settings.Id, CampaignsActor.Name, cancellationToken))
            .ThrowIfRefused();
        Say.Line("cli.campaigns.campaign_paused_a_running", answer.CampaignId, answer.CampaignId);
        return NewsletterApp.Ok;
    }
}

internal sealed class CampaignsResumeCommand : AsyncCommand<CampaignIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignIdSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var store = services.GetRequiredService<ICampaignStore>();
        var answer = (await services.GetRequiredService<CampaignLifecycle>().ResumeAsync(settings.Id, cancellationToken)).ThrowIfRefused();
        if (answer.Kind == CampaignAnswerKind.Unchanged)
        {
            AnsiConsole.MarkupLineInterpolated($"{answer.Message}");
            var campaign = await CampaignsCommands.RequireAsync(store, settings.Id, cancellationToken);
            CampaignRun.PrintCounts(campaign, await store.CountAsync(campaign.Id, cancellationToken));
            return NewsletterApp.Ok;
        }
        var delivery = services.GetRequiredService<DeliveryOptions>();
        var summary = await CampaignRun.RunWithProgressAsync(services, settings.Id, delivery.ForegroundRetryWindow, cancellationToken);
        if (answer.Remaining == 0)
        {
            Say.Line("cli.campaigns.campaign_has_nothing_left", settings.Id);
        }
        CampaignRun.PrintSummary(summary);
        Say.Line("cli.campaigns.delivered_through", services.GetRequiredService<IMailTransport>().Description);
        return CampaignRun.ExitCode(summary);
    }
}

internal sealed class CampaignsCancelCommand : AsyncCommand<CampaignIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignIdSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var answer = (await services.GetRequiredService<CampaignLifecycle>().CancelAsync(settings.Id, CampaignsActor.Name, cancellationToken))
            .ThrowIfRefused();
        Say.Line("cli.campaigns.campaign_cancelled_messages_will", answer.CampaignId, answer.Remaining);
        return NewsletterApp.Ok;
    }
}

internal sealed class CampaignsRetryFailedCommand : AsyncCommand<CampaignIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignIdSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var answer = (await services.GetRequiredService<CampaignLifecycle>().RetryFailedAsync(settings.Id, cancellationToken)).ThrowIfRefused();
        var queued = answer.Kind == CampaignAnswerKind.Done ? answer.Remaining : 0;
        Say.Line("cli.campaigns.failed_recipients_queued_again", queued);
        if (queued == 0)
        {
            return NewsletterApp.Ok;
        }
        var delivery = services.GetRequiredService<DeliveryOptions>();
        var summary = await CampaignRun.RunWithProgressAsync(services, settings.Id, delivery.ForegroundRetryWindow, cancellationToken);
        CampaignRun.PrintSummary(summary);
        return CampaignRun.ExitCode(summary);
    }
}
