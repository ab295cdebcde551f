using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Delivery;
using Spectre.Console;

namespace Newsletter.Cli.Infrastructure;

/// <summary>Runs a campaign in the foreground with a progress bar and prints the per-segment table.</summary>
internal static class CampaignRun
{
    public static async Task<SendSummary> RunWithProgressAsync(IServiceProvider services, long campaignId, TimeSpan retryWindow,
        CancellationToken cancellationToken)
    {
        var sender = services.GetRequiredService<CampaignSender>();
        var store = services.GetRequiredService<ICampaignStore>();
        var total = (await store.CountAsync(campaignId, cancellationToken)).Sum(c => c.Pending + c.Deferred);
        if (total == 0 || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await sender.RunAsync(campaignId, retryWindow, progress: null, cancellationToken);
        }
        SendSummary? summary = null;
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("sending", maxValue: total);
            var progress = new Progress<SendProgress>(p => task.Value = p.Done);
            summary = await sender.RunAsync(campaignId, retryWindow, progress, cancellationToken);
            task.Value = total;
        });
        return summary!;
    }

    public static void PrintSummary(SendSummary summary)
    {
        PrintCounts(summary.Campaign, summary.Counts);
        var campaign = summary.Campaign;
        AnsiConsole.MarkupLineInterpolated($"campaign {campaign.Id}: {campaign.State.ToString().ToLowerInvariant()}");
        if (summary.Paused is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]paused: {summary.Paused}[/] — fix the cause, then run `newsletter campaigns resume {campaign.Id}`");
        }
        else if (campaign.State is CampaignState.Paused or CampaignState.Cancelled)
        {
            AnsiConsole.MarkupLineInterpolated($"stopped: the campaign was {campaign.State.ToString().ToLowerInvariant()} from outside{(campaign.StateReason is { } r ? " (" + r + ")" : "")}");
        }
        else if (summary.Remaining > 0)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]{summary.Remaining} messages remain deferred[/]: `newsletter serve` retries them, or run `newsletter campaigns resume {campaign.Id}` later");
        }
    }

    /// <summary>The per-segment table of counts, with a total row.</summary>
    public static void PrintCounts(Campaign campaign, IReadOnlyList<VariantCounts> all)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("segment").AddColumn(new TableColumn("recipients").RightAligned()).AddColumn(new TableColumn("delivered").RightAligned())
            .AddColumn(new TableColumn("skipped").RightAligned()).AddColumn(new TableColumn("deferred").RightAligned())
            .AddColumn(new TableColumn("failed").RightAligned()).AddColumn(new TableColumn("pending").RightAligned());
        var counts = campaign.Segments
            .Select(s => all.FirstOrDefault(c => c.Variant == s) ?? new VariantCounts(s, 0, 0, 0, 0, 0)).ToList();
        foreach (var c in counts)
        {
            table.AddRow(Markup.Escape(c.Variant), $"{c.Total}", $"{c.Sent}", $"{c.Skipped}", $"{c.Deferred}", $"{c.Failed}", $"{c.Pending}");
        }
        table.AddRow("[bold]total[/]", $"{all.Sum(c => c.Total)}", $"{all.Sum(c => c.Sent)}", $"{all.Sum(c => c.Skipped)}",
            $"{all.Sum(c => c.Deferred)}", $"{all.Sum(c => c.Failed)}", $"{all.Sum(c => c.Pending)}");
        AnsiConsole.Write(table);
    }

    /// <summary>0 when the run ended normally (deferred messages may remain), 1 when the campaign paused.</summary>
    public static int ExitCode(SendSummary summary) => summary.Paused is null ? NewsletterApp.Ok : NewsletterApp.UserError;
}
