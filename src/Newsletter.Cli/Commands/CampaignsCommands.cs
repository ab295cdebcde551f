using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter campaigns …</c>: see, pause, resume, cancel campaigns and retry their failed recipients.</summary>
internal static class CampaignsCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("campaigns", campaigns =>
        {
            campaigns.SetDescription("Campaigns (an issue sent to segments): list, show, pause, resume, cancel, retry-failed.");
            campaigns.AddCommand<CampaignsListCommand>("list")
                .WithDescription("Every campaign with its state and counts per status, newest first.")
                .WithExample("campaigns", "list", "--json");
            campaigns.AddCommand<CampaignsShowCommand>("show")
                .WithDescription("Counts per segment and status, and the last SMTP reply of each failed or deferred recipient.")
                .WithExample("campaigns", "show", "1", "--failures-csv", "failures.csv");
            campaigns.AddCommand<CampaignsPauseCommand>("pause")
                .WithDescription("Pause a campaign; a sender running in another process stops after its current messages.")
                .WithExample("campaigns", "pause", "1");
            campaigns.AddCommand<CampaignsResumeCommand>("resume")
                .WithDescription("Continue a paused, interrupted or scheduled campaign in the foreground; nothing already sent is sent again.")
                .WithExample("campaigns", "resume", "1");
            campaigns.AddCommand<CampaignsCancelCommand>("cancel")
                .WithDescription("Cancel a campaign for good: nothing more is sent; the issue may then be published anew.")
                .WithExample("campaigns", "cancel", "1");
            campaigns.AddCommand<CampaignsRetryFailedCommand>("retry-failed")
                .WithDescription("Queue the permanently failed recipients again (still-active subscribers only), then send them.")
                .WithExample("campaigns", "retry-failed", "1");
            campaigns.AddCommand<CampaignsExportCommand>("export")   // issue 21
                .WithDescription("Write the campaign's figures per segment (delivered, bounced, unsubscribed, web views; opens and clicks when tracked) to an .xlsx workbook.")
                .WithExample("campaigns", "export", "1", "-o", "report.xlsx");
        });

    /// <summary>The campaign with <paramref name="id"/>, or a user error naming how to find one.</summary>
    internal static async Task<Campaign> RequireAsync(ICampaignStore store, long id, CancellationToken ct) =>
        await store.GetAsync(id, ct)
        ?? throw new UserErrorException($"there is no campaign {id}", "see `newsletter campaigns list` for the campaigns");

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
    [Description("The campaign's number (see `newsletter campaigns list`).")]
    public long Id { get; init; }
}

internal sealed class CampaignsListSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Description("Print JSON (id, issue, segments, districts, industries, state, counts per status) instead of a table.")]
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
            AnsiConsole.WriteLine("no campaigns yet: `newsletter publish <issue>` starts one");
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
                $"  (updated {campaign.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)";
            Console.Out.WriteLine(line);
        }
        return NewsletterApp.Ok;
    }
}

internal sealed class CampaignsShowSettings : CampaignIdSettings
{
    [CommandOption("--json")]
    [Description("Print JSON: the campaign, counts per segment and status, and the failed recipients with their last reply.")]
    public bool Json { get; init; }

    [CommandOption("--failures-csv <PATH>")]
    [Description("Also write every failed or deferred recipient (email, segment, status, attempts, last reply) to this CSV file.")]
    public string? FailuresCsv { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many failed recipients on screen; default 50 (the CSV has them all).")]
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

        AnsiConsole.MarkupLineInterpolated($"campaign [bold]{campaign.Id}[/]: {campaign.Title} (issue {campaign.IssueKey})");
        AnsiConsole.MarkupLineInterpolated($"state: {CampaignsCommands.Word(campaign.State)}{(campaign.StateReason is { } r ? " — " + r : "")}");
        AnsiConsole.MarkupLineInterpolated($"audience: {string.Join(", ", campaign.Segments)}{(campaign.Tags.IsEmpty ? " (all active subscribers, no district or industry filter)" : AudienceTagOptions.Suffix(campaign.Tags))}");
        CampaignRun.PrintCounts(campaign, counts);
        foreach (var sender in await store.ListSendersAsync(campaign.Id, cancellationToken))
        {
            AnsiConsole.MarkupLineInterpolated(
                $"sending on node {sender.Node}: {sender.Leased} messages leased, last heartbeat {sender.LastHeartbeat.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
        }
        if (failures.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("recipient").AddColumn("segment").AddColumn("status")
                .AddColumn(new TableColumn("attempts").RightAligned()).AddColumn("last reply");
            foreach (var f in failures.Take(limit))
            {
                table.AddRow(TerminalText.Cell(f.Email), TerminalText.Cell(f.Variant), CampaignsCommands.Word(f.Status), $"{f.Attempts}",
                    TerminalText.Cell(f.Reply ?? ""));
            }
            AnsiConsole.Write(table);
            if (failures.Count > limit)
            {
                AnsiConsole.MarkupLineInterpolated($"… and more: `--failures-csv <path>` exports them all");
            }
        }
        BouncesCommands.Print(bounceCounts, bounces);   // issue 17
        FiguresCommands.Print(figures);   // issue 21
        if (settings.FailuresCsv is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"{failures.Count} failed or deferred recipients written to {Path.GetFullPath(settings.FailuresCsv)}");
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
            throw new UserErrorException($"cannot write {path}: {e.Message}", "choose a writable path for --failures-csv");
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
        AnsiConsole.MarkupLineInterpolated($"campaign {answer.CampaignId} paused; a running sender stops after its current messages. `newsletter campaigns resume {answer.CampaignId}` continues it.");
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
            AnsiConsole.MarkupLineInterpolated($"campaign {settings.Id} has nothing left to send");
        }
        CampaignRun.PrintSummary(summary);
        AnsiConsole.MarkupLineInterpolated($"delivered through {services.GetRequiredService<IMailTransport>().Description}");
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
        AnsiConsole.MarkupLineInterpolated($"campaign {answer.CampaignId} cancelled; {answer.Remaining} messages will not be sent");
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
        AnsiConsole.MarkupLineInterpolated($"{queued} failed recipients queued again (bounced or unsubscribed ones will be skipped)");
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
