using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter publish &lt;issue&gt;</c>: compose the issue and deliver it to its audiences.</summary>
internal static class PublishCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<PublishCommand>("publish")
            .WithDescription(Texts.Get("cli.publish.publish.description"))
            .WithExample("publish", "seeds/sample-issue.md")
            .WithExample("publish", "seeds/sample-issue.md", "--segments", "municipal,county")
            .WithExample("publish", "seeds/sample-issue.md", "--segments", "enterprise", "--district", "禹州市,长葛市", "--industry", "新材料")
            .WithExample("publish", "bulletin.txt", "--number", "2024年第9期", "--date", "2024-09-15", "--yes");
}

/// <summary>
/// What <c>publish</c> and <c>schedule</c> both take: the issue, its audience (segments, districts, industries), the
/// operator's 期号 and date, and the confirmation of a real send. Declared once; <c>schedule</c> adds the time.
/// </summary>
internal class IssueSendSettings : AudienceTagSettings
{
    [CommandOption("--tracking")]
    [Text(TrackingOption.Description)]
    public bool Tracking { get; init; }

    [CommandArgument(0, "<issue>")]
    [Text("cli.publish.issue")]
    public string Issue { get; init; } = "";

    [CommandOption("--segments <LIST>")]
    [Text("cli.publish.segments")]
    public string? Segments { get; init; }

    [CommandOption("--number <期号>")]
    [Text("cli.publish.number")]
    public string? Number { get; init; }

    [CommandOption("--date <DATE>")]
    [Text("cli.publish.date")]
    public string? Date { get; init; }

    [CommandOption("--yes")]
    [Text("cli.publish.yes")]
    public bool Yes { get; init; }

    [CommandOption("--force")]
    [Text("cli.publish.force")]
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
        var overrides = IssueCommands.Overrides(settings.Number, settings.Date, Texts.Get("cli.error.nothing_sent"));
        var tags = await AudienceTagOptions.ResolveAsync(publisher, settings.Districts, settings.Industries, Texts.Get("cli.error.nothing_sent"), cancellationToken);
        var segments = Segments.SplitList(settings.Segments);
        var previewer = services.GetRequiredService<SendPreviewer>();
        // A real send: show what goes out and to whom, then ask (or require --yes); nothing exists before the answer.
        var confirmed = await SendConfirmationPrompt.ConfirmIfRealAsync(previewer, settings, segments, tags, overrides, "send", cancellationToken);
        var prepared = await publisher.PrepareAsync(settings.Issue, segments, tags,
            CampaignState.Running, scheduledAt: null, overrides, cancellationToken);
        var campaign = prepared.Campaign;
        await TrackingOption.ApplyAsync(services, campaign.Id, settings.Tracking, cancellationToken);   // issue 21
        if (confirmed is not null)
        {
            await confirmed.RecordAsync(previewer, campaign.Id, settings.Force, cancellationToken);
            if (confirmed.Preview.NeedsForce)
            {
                Say.Line("cli.publish.sent_despite_configuration_error", confirmed.Preview.Doctor.Count(Newsletter.Core.Diagnostics.DoctorLevel.Error), campaign.Id);
            }
        }
        SendConfirmationPrompt.PrintWarnings(prepared.Warnings);
        var recipients = (await services.GetRequiredService<ICampaignStore>().CountAsync(campaign.Id, cancellationToken)).Sum(c => c.Total);
        if (prepared.Created)
        {
            Say.Line("cli.publish.campaign_recipients_selected", campaign.Id, campaign.Title, string.Join(", ", campaign.Segments), AudienceTagOptions.Suffix(campaign.Tags), recipients);
        }
        else
        {
            Say.Line("cli.publish.campaign_already_exists_for", campaign.Id, (campaign.Tags.IsEmpty ? "" : Texts.Get("cli.publish.and_these_tags")), Say.State(campaign.State), recipients);
        }

        var previewFolder = await Previews.WriteAsync(services, campaign, cancellationToken);
        var delivery = services.GetRequiredService<DeliveryOptions>();
        var summary = await CampaignRun.RunWithProgressAsync(services, campaign.Id, delivery.ForegroundRetryWindow, cancellationToken);
        CampaignRun.PrintSummary(summary);
        Say.Line("cli.publish.preview", previewFolder);
        Say.Line("cli.publish.delivered_through", services.GetRequiredService<IMailTransport>().Description);
        return CampaignRun.ExitCode(summary);
    }
}
