using Newsletter.Core.Delivery;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Runs a campaign in the foreground and prints the per-segment table. On an interactive terminal it shows one progress
/// line per segment (done/total, read from the outbox, so it tells the truth whoever sends) and a total with the rate and
/// ETA. Ctrl-C or SIGTERM stop the run in order: the messages in flight finish, the campaign is paused with the reason,
/// the summary so far and the command to resume are printed; a second signal ends the process at once.
/// </summary>
internal static class CampaignRun
{
    /// <summary>How often the progress display reads the outbox counts.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    // One command per process: the exit code of an interrupted run, for ExitCode.
    private static int? _interruptedExitCode;

    public static async Task<SendSummary> RunWithProgressAsync(IServiceProvider services, long campaignId, TimeSpan retryWindow,
        CancellationToken cancellationToken)
    {
        var sender = services.GetRequiredService<CampaignSender>();
        var store = services.GetRequiredService<ICampaignStore>();
        using var signal = new StopSignal();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signal.Token);
        var counts = await store.CountAsync(campaignId, cancellationToken);
        SendSummary summary;
        if (counts.Sum(c => c.Pending + c.Deferred) == 0 || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            summary = await sender.RunAsync(campaignId, retryWindow, progress: null, () => signal.Reason, stop.Token);
        }
        else
        {
            summary = await RunWithDisplayAsync(sender, store, services.GetRequiredService<TimeProvider>(), campaignId, retryWindow,
                signal, stop.Token);
        }
        if (summary.Interrupted is not null)
        {
            _interruptedExitCode = signal.ExitCode;
        }
        return summary;
    }

    private static async Task<SendSummary> RunWithDisplayAsync(CampaignSender sender, ICampaignStore store, TimeProvider time,
        long campaignId, TimeSpan retryWindow, StopSignal signal, CancellationToken stop)
    {
        var campaign = await store.GetAsync(campaignId, stop) ?? throw new InvalidOperationException($"campaign {campaignId} does not exist");
        SendSummary? summary = null;
        await AnsiConsole.Progress().AutoClear(true).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async context =>
            {
                var segments = campaign.Segments.ToDictionary(s => s, s => context.AddTask(s), StringComparer.Ordinal);
                var total = context.AddTask("total");
                var meter = new SendRateMeter(time, TimeSpan.FromSeconds(10));
                void Show(IReadOnlyList<VariantCounts> counts)
                {
                    foreach (var (segment, task) in segments)
                    {
                        var c = counts.FirstOrDefault(v => v.Variant == segment) ?? new VariantCounts(segment, 0, 0, 0, 0, 0);
                        Update(task, Markup.Escape(segment), c.Sent + c.Failed + c.Skipped, c.Total, c.Deferred);
                    }
                    var done = counts.Sum(c => c.Sent + c.Failed + c.Skipped);
                    var all = counts.Sum(c => c.Total);
                    meter.Add(done);
                    Update(total, "[bold]total[/]", done, all, counts.Sum(c => c.Deferred),
                        $" · {SendRateMeter.FormatRate(meter.PerSecond)} · ETA {SendRateMeter.FormatEta(meter.Eta(all - done))}");
                }

                Show(await store.CountAsync(campaignId, stop));
                var run = sender.RunAsync(campaignId, retryWindow, progress: null, () => signal.Reason, stop);
                while (await Task.WhenAny(run, Task.Delay(RefreshInterval, CancellationToken.None)) != run)
                {
                    Show(await store.CountAsync(campaignId, CancellationToken.None));
                }
                summary = await run;
                Show(summary.Counts);
            });
        return summary!;
    }

    private static void Update(ProgressTask task, string label, long done, long total, long deferred, string extra = "")
    {
        task.MaxValue = Math.Max(1, total);
        task.Value = done;
        task.Description = $"{label} {done:N0}/{total:N0}{(deferred > 0 ? $" ({deferred:N0} deferred)" : "")}{extra}";
    }

    public static void PrintSummary(SendSummary summary)
    {
        PrintCounts(summary.Campaign, summary.Counts);
        var campaign = summary.Campaign;
        Say.Line("cli.campaign_run.campaign", campaign.Id, Say.State(campaign.State));
        if (summary.Interrupted is not null)
        {
            var delivered = summary.Counts.Sum(c => c.Sent);
            // Short lines: Spectre wraps at the terminal's width (80 columns when the output is redirected).
            Say.Line("cli.campaign_run.the_campaign_is_paused", summary.Interrupted);
            Say.Line("cli.campaign_run.delivered_so_far_not", delivered, summary.Remaining);
            Say.Line("cli.campaign_run.resume_with_newsletter_campaigns", campaign.Id);
        }
        else if (summary.Paused is not null)
        {
            Say.Line("cli.campaign_run.paused_fix_the_cause", summary.Paused, campaign.Id);
        }
        else if (campaign.State is CampaignState.Paused or CampaignState.Cancelled)
        {
            Say.Line("cli.campaign_run.stopped_the_campaign_was", Say.State(campaign.State), (campaign.StateReason is { } r ? " (" + r + ")" : ""));
        }
        else if (summary.Remaining > 0)
        {
            Say.Line("cli.campaign_run.messages_remain_deferred_newsletter", summary.Remaining, campaign.Id);
        }
    }

    /// <summary>The per-segment table of counts, with a total row.</summary>
    public static void PrintCounts(Campaign campaign, IReadOnlyList<VariantCounts> all)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(Texts.Get("cli.campaign_run.segment")).AddColumn(new TableColumn(Texts.Get("cli.campaign_run.recipients")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.campaign_run.delivered")).RightAligned())
            .AddColumn(new TableColumn(Texts.Get("cli.campaign_run.skipped")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.campaign_run.deferred")).RightAligned())
            .AddColumn(new TableColumn(Texts.Get("cli.campaign_run.failed")).RightAligned()).AddColumn(new TableColumn(Texts.Get("cli.campaign_run.pending")).RightAligned());
        var counts = campaign.Segments
            .Select(s => all.FirstOrDefault(c => c.Variant == s) ?? new VariantCounts(s, 0, 0, 0, 0, 0)).ToList();
        foreach (var c in counts)
        {
            table.AddRow(Markup.Escape(c.Variant), $"{c.Total}", $"{c.Sent}", $"{c.Skipped}", $"{c.Deferred}", $"{c.Failed}", $"{c.Pending}");
        }
        table.AddRow(Texts.Get("cli.campaign_run.total"), $"{all.Sum(c => c.Total)}", $"{all.Sum(c => c.Sent)}", $"{all.Sum(c => c.Skipped)}",
            $"{all.Sum(c => c.Deferred)}", $"{all.Sum(c => c.Failed)}", $"{all.Sum(c => c.Pending)}");
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// 0 when the run ended normally (deferred messages may remain), 1 when the campaign paused, 130 (SIGINT) or 143
    /// (SIGTERM) when a signal interrupted it, as a shell reports a process ended by that signal.
    /// </summary>
    public static int ExitCode(SendSummary summary) =>
        summary.Interrupted is not null ? _interruptedExitCode ?? 130
        : summary.Paused is null ? NewsletterApp.Ok : NewsletterApp.UserError;
}
