using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Spectre.Console;
using Spectre.Console.Cli;
using Newsletter.Core.Campaigns;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter publish &lt;issue&gt;</c>: compose the issue and deliver it to its audiences.</summary>
internal static class PublishCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<PublishCommand>("publish")
            .WithDescription("Compose an issue (.md, or the plain-text bulletin .txt) and deliver it to the active subscribers of its segments.")
            .WithExample("publish", "seeds/sample-issue.md")
            .WithExample("publish", "seeds/sample-issue.md", "--segments", "municipal,county")
            .WithExample("publish", "seeds/sample-issue.md", "--segments", "enterprise", "--district", "禹州市,长葛市", "--industry", "新材料")
            .WithExample("publish", "bulletin.txt", "--number", "2024年第9期", "--date", "2024-09-15", "--yes");
}

/// <summary>
/// What <c>publish</c> and <c>schedule</c> both take: the issue, its audience (segments, districts, industries), the
/// operator's 期号 and date, and the confirmation of a real send. Declared once; <c>schedule</c> adds the time.
/// </summary>
internal class IssueSendSettings : GlobalSettings
{
    [CommandOption("--tracking")]
    [Description(TrackingOption.Description)]
    public bool Tracking { get; init; }

    [CommandArgument(0, "<issue>")]
    [Description("The issue file: Markdown with front matter (.md) or the plain-text bulletin (.txt).")]
    public string Issue { get; init; } = "";

    [CommandOption("--segments <LIST>")]
    [Description("Segments to send to, comma-separated keys or Chinese names (municipal,county,enterprise or 市级领导,…). Default: the issue's audiences.")]
    public string? Segments { get; init; }

    [CommandOption("--district <LIST>")]
    [Description(AudienceTagOptions.DistrictDescription)]
    public string[]? Districts { get; init; }

    [CommandOption("--industry <LIST>")]
    [Description(AudienceTagOptions.IndustryDescription)]
    public string[]? Industries { get; init; }

    [CommandOption("--number <期号>")]
    [Description("期号 of this send, e.g. 2024年第9期 or \"2024年第9期（总第120期）\"; wins over the file's and makes it no sample.")]
    public string? Number { get; init; }

    [CommandOption("--date <DATE>")]
    [Description("Issue date of this send, 2024-09-15 or 2024年9月15日; wins over the file's.")]
    public string? Date { get; init; }

    [CommandOption("--yes")]
    [Description("Confirm a real send (SMTP) without being asked; needed when standard input is not a terminal.")]
    public bool Yes { get; init; }

    [CommandOption("--force")]
    [Description("Go ahead even though `newsletter doctor` reports errors (recorded with the campaign).")]
    public bool Force { get; init; }
}

internal sealed class PublishSettings : IssueSendSettings;

internal sealed class PublishCommand : AsyncCommand<PublishSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PublishSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        // The sending settings (transport, SMTP, sender, DKIM) are read before anything is written: a bad value must not
        // leave a campaign behind that nothing can send.
        services.GetRequiredService<CampaignSender>();
        await SampleSubscribers.LoadForDemoAsync(services, cancellationToken);

        var publisher = services.GetRequiredService<IssuePublisher>();
        var overrides = IssueCommands.Overrides(settings.Number, settings.Date, "nothing was sent");
        var tags = await AudienceTagOptions.ResolveAsync(publisher, settings.Districts, settings.Industries, "nothing was sent", cancellationToken);
        var segments = Segments.SplitList(settings.Segments);
        var previewer = services.GetRequiredService<SendPreviewer>();
        SendPreview? preview = null;
        string? confirmedBy = null;
        if (previewer.IsRealSend)
        {
            // A real send: show what goes out and to whom, then ask (or require --yes); nothing exists before the answer.
            preview = await previewer.PreviewAsync(settings.Issue, segments, tags, overrides, cancellationToken);
            confirmedBy = SendConfirmationPrompt.Confirm(preview, settings.Issue, "send", settings.Yes, settings.Force);
        }
        var prepared = await publisher.PrepareAsync(settings.Issue, segments, tags,
            CampaignState.Running, scheduledAt: null, overrides, cancellationToken);
        var campaign = prepared.Campaign;
        await TrackingOption.ApplyAsync(services, campaign.Id, settings.Tracking, cancellationToken);   // issue 21
        if (preview is not null)
        {
            await previewer.RecordAsync(campaign.Id, preview, confirmedBy!, settings.Force, cancellationToken);
            if (preview.NeedsForce)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]sent despite {preview.Doctor.Count(Newsletter.Core.Diagnostics.DoctorLevel.Error)} configuration error(s) (--force): recorded with campaign {campaign.Id}[/]");
            }
        }
        SendConfirmationPrompt.PrintWarnings(prepared.Warnings);
        var recipients = (await services.GetRequiredService<ICampaignStore>().CountAsync(campaign.Id, cancellationToken)).Sum(c => c.Total);
        if (prepared.Created)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"campaign [bold]{campaign.Id}[/]: {campaign.Title} → {string.Join(", ", campaign.Segments)}{AudienceTagOptions.Suffix(campaign.Tags)}: {recipients} recipients selected");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated(
                $"campaign [bold]{campaign.Id}[/] already exists for this issue, these segments{(campaign.Tags.IsEmpty ? "" : " and these tags")} ({campaign.State.ToString().ToLowerInvariant()}, {recipients} recipients): continuing it, nothing is sent twice");
        }

        var previewFolder = await Previews.WriteAsync(services, campaign, cancellationToken);
        var delivery = services.GetRequiredService<DeliveryOptions>();
        var summary = await CampaignRun.RunWithProgressAsync(services, campaign.Id, delivery.ForegroundRetryWindow, cancellationToken);
        CampaignRun.PrintSummary(summary);
        AnsiConsole.MarkupLineInterpolated($"preview: [link]{previewFolder}[/]");
        AnsiConsole.MarkupLineInterpolated($"delivered through {services.GetRequiredService<IMailTransport>().Description}");
        return CampaignRun.ExitCode(summary);
    }
}
