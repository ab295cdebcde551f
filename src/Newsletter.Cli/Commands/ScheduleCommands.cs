using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Localization;

namespace Newsletter.Cli.Commands;

/// <summary>
/// <c>newsletter schedule …</c>: send an issue at a planned time, list/cancel/move scheduled campaigns, and recurring
/// plans. Also <c>newsletter issue ready</c> (registered in the issue branch). The commands only write the tables;
/// <c>newsletter serve</c> fires them.
/// </summary>
internal static class ScheduleCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch<GlobalSettings>("schedule", schedule =>
        {
            schedule.SetDescription(Texts.Get("cli.schedule.schedule.description"));
            schedule.SetDefaultCommand<ScheduleIssueCommand>();
            schedule.AddCommand<ScheduleListCommand>("list")
                .WithDescription(Texts.Get("cli.schedule.list.description"));
            schedule.AddCommand<ScheduleCancelCommand>("cancel")
                .WithDescription(Texts.Get("cli.schedule.cancel.description"))
                .WithExample("schedule", "cancel", "3");
            schedule.AddCommand<ScheduleMoveCommand>("move")
                .WithDescription(Texts.Get("cli.schedule.move.description"))
                .WithExample("schedule", "move", "3", "--at", "2026-12-01 09:00");
            schedule.AddExample("schedule", "seeds/sample-issue.md", "--at", "2026-12-01 09:00", "--segments", "county", "--district", "禹州市");
            schedule.AddBranch<GlobalSettings>("plan", plan =>
            {
                plan.SetDescription(Texts.Get("cli.schedule.plan.description"));
                plan.AddCommand<PlanAddCommand>("add")
                    .WithDescription(Texts.Get("cli.schedule.add.description"))
                    .WithExample("schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "municipal,county")
                    .WithExample("schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "enterprise", "--industry", "发制品");
                plan.AddCommand<PlanListCommand>("list").WithDescription(Texts.Get("cli.schedule.list.description_2"));
                plan.AddCommand<PlanRemoveCommand>("remove").WithDescription(Texts.Get("cli.schedule.remove.description")).WithExample("schedule", "plan", "remove", "1");
            });
        });

    /// <summary>The services of a one-shot scheduling command.</summary>
    internal static ServiceProvider Services(GlobalSettings settings) => AppServices.Build(settings);

    /// <summary>Runs <paramref name="action"/>, turning the scheduler's and the publisher's refusals into user errors.</summary>
    internal static async Task<T> GuardAsync<T>(string? issuePath, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ScheduleRejectedException e)
        {
            throw new UserErrorException(e.Message + "; nothing was scheduled", e.Hint);
        }
        catch (IssueRejectedException e)
        {
            throw IssueCommands.Fail(issuePath ?? "issue", e.Errors, "the issue has mistakes; nothing was scheduled");
        }
    }

    internal static string Show(DateTimeOffset? at, TimeZoneInfo zone) => at is { } value ? ScheduleTime.Show(value, zone) : "-";
}

internal class ScheduleTimeSettings : GlobalSettings
{
    internal const string AtDescription = "cli.schedule.at"; // a key of Localization/cli.*.json
    internal const string TimeZoneDescription = "cli.schedule.tz"; // a key of Localization/cli.*.json

    [CommandOption("--at <TIME>")]
    [Text(AtDescription)]
    public string? At { get; init; }

    [CommandOption("--tz <ZONE>")]
    [Text(TimeZoneDescription)]
    public string? TimeZone { get; init; }
}

/// <summary><c>schedule &lt;issue&gt;</c>: what publish takes (<see cref="IssueSendSettings"/>) and when.</summary>
internal sealed class ScheduleIssueSettings : IssueSendSettings
{
    [CommandOption("--at <TIME>")]
    [Text(ScheduleTimeSettings.AtDescription)]
    public string? At { get; init; }

    [CommandOption("--tz <ZONE>")]
    [Text(ScheduleTimeSettings.TimeZoneDescription)]
    public string? TimeZone { get; init; }
}

internal sealed class ScheduleIssueCommand : AsyncCommand<ScheduleIssueSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ScheduleIssueSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.At))
        {
            throw new UserErrorException(Texts.Get("cli.schedule.schedule_needs_at_nothing"), Texts.Get("cli.schedule.add_at"));
        }
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var campaign = await ScheduleCommands.GuardAsync(settings.Issue, async () =>
        {
            var zone = scheduler.ZoneFor(settings.TimeZone);
            var at = scheduler.FutureTime(settings.At, zone);
            if (!File.Exists(settings.Issue))
            {
                throw new UserErrorException(Texts.Format("cli.schedule.file_not_found_nothing", settings.Issue), Texts.Get("cli.schedule.check_the_path_of"));
            }
            var tags = await AudienceTagOptions.ResolveAsync(services.GetRequiredService<IssuePublisher>(), settings.Districts, settings.Industries,
                "nothing was scheduled", cancellationToken);
            var overrides = IssueCommands.Overrides(settings.Number, settings.Date, "nothing was scheduled");
            var segments = Segments.SplitList(settings.Segments);
            var previewer = services.GetRequiredService<SendPreviewer>();
            SendPreview? preview = null;
            string? confirmedBy = null;
            if (previewer.IsRealSend)
            {
                // Scheduling a real send is confirmed now, as sending it now would be.
                preview = await previewer.PreviewAsync(settings.Issue, segments, tags, overrides, cancellationToken);
                confirmedBy = SendConfirmationPrompt.Confirm(preview, settings.Issue, "schedule", settings.Yes, settings.Force);
            }
            var scheduled = await scheduler.ScheduleAsync(settings.Issue, segments, tags, at, overrides, cancellationToken);
            await TrackingOption.ApplyAsync(services, scheduled.Id, settings.Tracking, cancellationToken);   // issue 21
            if (preview is not null)
            {
                await previewer.RecordAsync(scheduled.Id, preview, confirmedBy!, settings.Force, cancellationToken);
            }
            else
            {
                SendConfirmationPrompt.PrintWarnings(services.GetRequiredService<SendPolicy>().Check(
                    (await services.GetRequiredService<IssuePublisher>().LoadAsync(settings.Issue, overrides, cancellationToken)).Issue.Metadata, scheduled.Segments));
            }
            return scheduled;
        });
        var total = (await services.GetRequiredService<ICampaignStore>().CountAsync(campaign.Id, cancellationToken)).Sum(c => c.Total);
        Say.Line("cli.schedule.campaign_scheduled_recipients_at", campaign.Id, campaign.Title, string.Join(", ", campaign.Segments), AudienceTagOptions.Suffix(campaign.Tags), total, ScheduleCommands.Show(campaign.ScheduledAt, scheduler.Zone));
        AnsiConsole.MarkupLine(Texts.Get("cli.schedule.newsletter_serve_sends_it"));
        return NewsletterApp.Ok;
    }
}

internal sealed class ScheduleListCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var store = services.GetRequiredService<IScheduleStore>();
        var zone = scheduler.Zone;

        var scheduled = await store.ListScheduledAsync(cancellationToken);
        if (scheduled.Count == 0)
        {
            AnsiConsole.MarkupLine(Texts.Get("cli.schedule.no_scheduled_campaign"));
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn(Texts.Get("cli.schedule.id_3")).AddColumn(Texts.Get("cli.schedule.at_2")).AddColumn(Texts.Get("cli.schedule.issue_2")).AddColumn(Texts.Get("cli.schedule.title")).AddColumn(Texts.Get("cli.schedule.segments_2"));
            foreach (var c in scheduled)
            {
                table.AddRow($"{c.Id}", TerminalText.Cell(ScheduleCommands.Show(c.ScheduledAt, zone)), TerminalText.Cell(c.IssueKey), TerminalText.Cell(c.Title),
                    TerminalText.Cell(string.Join(",", c.Segments) + (c.Tags.IsEmpty ? "" : " *")));
            }
            AnsiConsole.Write(table);
            // Under the table, not in a column: tags are long, and a sixth column squeezes the times at 80 characters.
            foreach (var c in scheduled.Where(c => !c.Tags.IsEmpty))
            {
                Say.Line("cli.schedule.campaign_only_to", c.Id, c.Tags.Describe());
            }
        }
        await PlanListCommand.WriteAsync(scheduler, store, cancellationToken);

        var firings = await store.ListFiringsAsync(10, cancellationToken);
        foreach (var f in firings)
        {
            Say.Line("cli.schedule.fired_for_on", f.Kind, f.TargetId, ScheduleTime.Show(f.FireTime, zone), f.Outcome.ToString().ToLowerInvariant(), (f.CampaignId is { } c ? $", campaign {c}" : ""), (f.Detail is { } d ? $" ({d})" : ""), f.Node);
        }
        return NewsletterApp.Ok;
    }
}

internal sealed class ScheduleCancelCommand : AsyncCommand<CampaignIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CampaignIdSettings settings, CancellationToken cancellationToken)
    {
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var campaign = await ScheduleCommands.GuardAsync(null, () => scheduler.CancelAsync(settings.Id, cancellationToken));
        Say.Line("cli.schedule.campaign_cancelled_nothing_of", campaign.Id);
        return NewsletterApp.Ok;
    }
}

internal sealed class ScheduleMoveSettings : ScheduleTimeSettings
{
    [CommandArgument(0, "<id>")]
    [Text("cli.schedule.id")]
    public long Id { get; init; }
}

internal sealed class ScheduleMoveCommand : AsyncCommand<ScheduleMoveSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ScheduleMoveSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.At))
        {
            throw new UserErrorException(Texts.Get("cli.schedule.move_needs_at_nothing"), Texts.Get("cli.schedule.add_at"));
        }
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var campaign = await ScheduleCommands.GuardAsync(null, () =>
            scheduler.MoveAsync(settings.Id, scheduler.FutureTime(settings.At, scheduler.ZoneFor(settings.TimeZone)), cancellationToken));
        Say.Line("cli.schedule.campaign_moved_to", campaign.Id, ScheduleCommands.Show(campaign.ScheduledAt, scheduler.Zone));
        return NewsletterApp.Ok;
    }
}

internal sealed class PlanAddSettings : AudienceTagSettings
{
    [CommandOption("--cron <EXPRESSION>")]
    [Text("cli.schedule.cron")]
    public string? Cron { get; init; }

    [CommandOption("--segments <LIST>")]
    [Text("cli.schedule.segments")]
    public string? Segments { get; init; }

    [CommandOption("--tz <ZONE>")]
    [Text("cli.schedule.time_zone")]
    public string? TimeZone { get; init; }
}

internal sealed class PlanAddCommand : AsyncCommand<PlanAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlanAddSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Cron))
        {
            throw new UserErrorException(Texts.Get("cli.schedule.plan_add_needs_cron"), Texts.Get("cli.schedule.add_cron_mon_every"));
        }
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var tags = await AudienceTagOptions.ResolveAsync(services.GetRequiredService<IssuePublisher>(), settings.Districts, settings.Industries,
            "nothing was scheduled", cancellationToken);
        var plan = await ScheduleCommands.GuardAsync(null, () =>
            scheduler.AddPlanAsync(settings.Cron, Segments.SplitList(settings.Segments), tags, scheduler.ZoneFor(settings.TimeZone), cancellationToken));
        var zone = ScheduleTime.FindZone(plan.TimeZone) ?? scheduler.Zone;
        Say.Line("cli.schedule.plan_added_next", plan.Id, plan.Cron, plan.TimeZone, string.Join(", ", plan.Segments), AudienceTagOptions.Suffix(plan.Tags), ScheduleCommands.Show(scheduler.NextFiring(plan), zone));
        return NewsletterApp.Ok;
    }
}

internal sealed class PlanListCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        await using var services = ScheduleCommands.Services(settings);
        await WriteAsync(services.GetRequiredService<CampaignScheduler>(), services.GetRequiredService<IScheduleStore>(), cancellationToken);
        return NewsletterApp.Ok;
    }

    internal static async Task WriteAsync(CampaignScheduler scheduler, IScheduleStore store, CancellationToken ct)
    {
        var plans = await store.ListPlansAsync(ct);
        if (plans.Count == 0)
        {
            AnsiConsole.MarkupLine(Texts.Get("cli.schedule.no_recurring_plan"));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn(Texts.Get("cli.schedule.plan")).AddColumn(Texts.Get("cli.schedule.cron_2")).AddColumn(Texts.Get("cli.schedule.zone")).AddColumn(Texts.Get("cli.schedule.segments_2")).AddColumn(Texts.Get("cli.schedule.next"));
        foreach (var p in plans)
        {
            var zone = ScheduleTime.FindZone(p.TimeZone) ?? scheduler.Zone;
            table.AddRow(p.Id.ToString(CultureInfo.InvariantCulture), TerminalText.Cell(p.Cron), TerminalText.Cell(p.TimeZone),
                TerminalText.Cell(string.Join(",", p.Segments) + (p.Tags.IsEmpty ? "" : " *")), TerminalText.Cell(ScheduleCommands.Show(scheduler.NextFiring(p), zone)));
        }
        AnsiConsole.Write(table);
        foreach (var p in plans.Where(p => !p.Tags.IsEmpty))
        {
            Say.Line("cli.schedule.plan_only_to", p.Id, p.Tags.Describe());
        }
        var ready = await store.ListReadyAsync(ct);
        Say.Line("cli.schedule.ready_issues", (ready.Count == 0 ? "none (mark one with `newsletter issue ready <file>`)" : string.Join(", ", ready.Select(r => r.IssueKey))));
    }
}

internal sealed class PlanRemoveSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Text("cli.schedule.id_2")]
    public long Id { get; init; }
}

internal sealed class PlanRemoveCommand : AsyncCommand<PlanRemoveSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlanRemoveSettings settings, CancellationToken cancellationToken)
    {
        await using var services = ScheduleCommands.Services(settings);
        if (!await services.GetRequiredService<IScheduleStore>().RemovePlanAsync(settings.Id, cancellationToken))
        {
            throw new UserErrorException(Texts.Format("cli.schedule.there_is_no_plan", settings.Id), Texts.Get("cli.schedule.see_newsletter_schedule_plan"));
        }
        Say.Line("cli.schedule.plan_removed", settings.Id);
        return NewsletterApp.Ok;
    }
}

internal sealed class IssueReadySettings : GlobalSettings
{
    [CommandArgument(0, "<issue>")]
    [Text("cli.schedule.issue")]
    public string Issue { get; init; } = "";
}

/// <summary><c>newsletter issue ready &lt;issue&gt;</c>: validate an issue and keep its text for the recurring plans.</summary>
internal sealed class IssueReadyCommand : AsyncCommand<IssueReadySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, IssueReadySettings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Issue))
        {
            throw new UserErrorException(Texts.Format("cli.schedule.file_not_found", settings.Issue), Texts.Get("cli.schedule.check_the_path_of"));
        }
        await using var services = ScheduleCommands.Services(settings);
        ReadyIssue ready;
        try
        {
            ready = await services.GetRequiredService<CampaignScheduler>().MarkReadyAsync(settings.Issue, cancellationToken);
        }
        catch (IssueRejectedException e)
        {
            throw IssueCommands.Fail(settings.Issue, e.Errors, "the issue has mistakes; it was not marked ready");
        }
        Say.Line("cli.schedule.issue_is_ready_the", ready.IssueKey, ready.Title);
        return NewsletterApp.Ok;
    }
}
