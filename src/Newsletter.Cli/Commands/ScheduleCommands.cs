using System.Globalization;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;
using Newsletter.Core.Campaigns;

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
                    .WithDescription(PlanTexts.AddDescription)
                    .WithExample("schedule", "plan", "add", "--every", "monday", "--at", "09:00", "--segments", "municipal,county")
                    .WithExample("schedule", "plan", "add", "--every", "每周一、四", "--at", "9:00", "--segments", "county")
                    .WithExample("schedule", "plan", "add", "--every", "month", "--on", "15", "--at", "09:00", "--segments", "enterprise", "--industry", "发制品")
                    .WithExample("schedule", "plan", "add", "--cron", "0 0 9 ? * MON", "--segments", "municipal,county");
                plan.AddCommand<PlanListCommand>("list").WithDescription(PlanTexts.ListDescription);
                plan.AddCommand<PlanShowCommand>("show").WithDescription(PlanTexts.ShowDescription).WithExample("schedule", "plan", "show", "1");
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
            throw new UserErrorException(e.Message + Texts.Get("cli.schedule.nothing_scheduled_suffix"), e.Hint);
        }
        catch (IssueRejectedException e)
        {
            throw IssueCommands.Fail(issuePath ?? "issue", e.Errors, Texts.Get("cli.schedule.issue_mistakes_nothing_scheduled"));
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
                Texts.Get("cli.plan.nothing_scheduled"), cancellationToken);
            var overrides = IssueCommands.Overrides(settings.Number, settings.Date, Texts.Get("cli.plan.nothing_scheduled"));
            var segments = Segments.SplitList(settings.Segments);
            var previewer = services.GetRequiredService<SendPreviewer>();
            // Scheduling a real send is confirmed now, as sending it now would be.
            var confirmed = await SendConfirmationPrompt.ConfirmIfRealAsync(previewer, settings, segments, tags, overrides, "schedule", cancellationToken);
            var scheduled = await scheduler.ScheduleAsync(settings.Issue, segments, tags, at, overrides, cancellationToken);
            await TrackingOption.ApplyAsync(services, scheduled.Id, settings.Tracking, cancellationToken);   // issue 21
            if (confirmed is not null)
            {
                await confirmed.RecordAsync(previewer, scheduled.Id, settings.Force, cancellationToken);
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
    [CommandOption("--every <WHEN>")]
    [Text(PlanTexts.EveryDescription)]
    public string? Every { get; init; }

    [CommandOption("--at <TIME>")]
    [Text(PlanTexts.AtDescription)]
    public string? At { get; init; }

    [CommandOption("--on <DAY>")]
    [Text(PlanTexts.OnDescription)]
    public string? On { get; init; }

    [CommandOption("--cron <EXPRESSION>")]
    [Text(PlanTexts.CronDescription)]
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
        var input = new PlanInput(settings.Every, settings.At, settings.On, settings.Cron);
        if (input is { Every: null, Cron: null, At: null, On: null })
        {
            throw new UserErrorException(PlanTexts.NoWhen, PlanTexts.NoWhenHint);
        }
        // The words are checked before anything is opened, so a typo costs no database start.
        await ScheduleCommands.GuardAsync(null, () => Task.FromResult(CampaignScheduler.Recurrence(input)));
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var tags = await AudienceTagOptions.ResolveAsync(services.GetRequiredService<IssuePublisher>(), settings.Districts, settings.Industries,
            PlanTexts.NothingScheduled, cancellationToken);
        var plan = await ScheduleCommands.GuardAsync(null, () =>
            scheduler.AddPlanAsync(input, Segments.SplitList(settings.Segments), tags, scheduler.ZoneFor(settings.TimeZone), cancellationToken));
        AnsiConsole.MarkupLineInterpolated(
            $"{PlanTexts.Added(plan.Id, PlanTexts.Words(plan))} ({plan.Cron}) → {string.Join(", ", plan.Segments)}{AudienceTagOptions.Suffix(plan.Tags)}");
        PlanListCommand.WriteNext(scheduler, plan, PlanTexts.Next(scheduler.PlanZone(plan)));
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

    /// <summary>The next three firings under a header, on one line of their own (three local times do not fit a table's column at 80).</summary>
    internal static void WriteNext(CampaignScheduler scheduler, SchedulePlan plan, string header)
    {
        var zone = scheduler.PlanZone(plan);
        var next = scheduler.NextFirings(plan, 3);
        AnsiConsole.MarkupLineInterpolated($"{header}");
        AnsiConsole.MarkupLineInterpolated($"  {(next.Count == 0 ? PlanTexts.NeverAgain : string.Join(" · ", next.Select(t => PlanTexts.Firing(t, zone))))}");
    }

    internal static async Task WriteAsync(CampaignScheduler scheduler, IScheduleStore store, CancellationToken ct)
    {
        var plans = await store.ListPlansAsync(ct);
        if (plans.Count == 0)
        {
            AnsiConsole.MarkupLine(PlanTexts.NoPlans);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(PlanTexts.ColumnPlan).AddColumn(PlanTexts.ColumnWhen).AddColumn(PlanTexts.ColumnCron).AddColumn(PlanTexts.ColumnSegments);
        foreach (var p in plans)
        {
            table.AddRow(PlanTexts.Id(p.Id), TerminalText.Cell(PlanTexts.Words(p)), TerminalText.Cell(p.Cron),
                TerminalText.Cell(string.Join(",", p.Segments) + (p.Tags.IsEmpty ? "" : " *")));
        }
        AnsiConsole.Write(table);
        foreach (var p in plans.Where(p => !p.Tags.IsEmpty))
        {
            AnsiConsole.MarkupLineInterpolated($"{PlanTexts.OnlyTo(p.Id, p.Tags.Describe())}");
        }
        foreach (var p in plans)
        {
            WriteNext(scheduler, p, PlanTexts.NextOf(p.Id, PlanTexts.Words(p), scheduler.PlanZone(p)));
        }
        var ready = await store.ListReadyAsync(ct);
        Say.Line("cli.schedule.ready_issues", (ready.Count == 0 ? Texts.Get("cli.schedule.no_ready_issue") : string.Join(", ", ready.Select(r => r.IssueKey))));
    }
}

internal sealed class PlanShowCommand : AsyncCommand<PlanRemoveSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlanRemoveSettings settings, CancellationToken cancellationToken)
    {
        await using var services = ScheduleCommands.Services(settings);
        var scheduler = services.GetRequiredService<CampaignScheduler>();
        var plan = await services.GetRequiredService<IScheduleStore>().GetPlanAsync(settings.Id, cancellationToken)
            ?? throw new UserErrorException(PlanTexts.NoPlan(settings.Id), PlanTexts.NoPlanHint);
        var zone = scheduler.PlanZone(plan);
        AnsiConsole.MarkupLineInterpolated($"{PlanTexts.ColumnPlan} [bold]{plan.Id}[/]");
        AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldWhen)}{PlanTexts.Words(plan)}");
        AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldCron)}{plan.Cron}");
        AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldZone)}{zone.Id}");
        AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldSegments)}{string.Join(", ", plan.Segments)}");
        if (!plan.Tags.IsEmpty)
        {
            AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldOnlyTo)}{plan.Tags.Describe()}");
        }
        AnsiConsole.MarkupLineInterpolated($"  {PlanTexts.Field(PlanTexts.FieldCreated)}{ScheduleTime.Show(plan.CreatedAt, zone)}");
        var next = scheduler.NextFirings(plan, 3);
        var label = PlanTexts.Field(PlanTexts.FieldNext);
        foreach (var line in next.Count == 0 ? [PlanTexts.NeverAgain] : next.Select(t => PlanTexts.Firing(t, zone)).ToList())
        {
            AnsiConsole.MarkupLineInterpolated($"  {label}{line}");
            label = new string(' ', label.Length);
        }
        return NewsletterApp.Ok;
    }
}

internal sealed class PlanRemoveSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Text(PlanTexts.IdDescription)]
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
            throw IssueCommands.Fail(settings.Issue, e.Errors, Texts.Get("cli.issue.mistakes_not_ready"));
        }
        Say.Line("cli.schedule.issue_is_ready_the", ready.IssueKey, ready.Title);
        return NewsletterApp.Ok;
    }
}
