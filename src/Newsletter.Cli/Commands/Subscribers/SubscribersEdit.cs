using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Cli.Commands;

/// <summary>The fields add and edit take; null means "not given".</summary>
internal class SubscriberFieldSettings : GlobalSettings
{
    [CommandOption("--name <NAME>")]
    [Text("cli.subscribers.name")]
    public string? Name { get; init; }

    [CommandOption("--organisation <ORG>")]
    [Text("cli.subscribers.organisation")]
    public string? Organisation { get; init; }

    [CommandOption("--title <TITLE>")]
    [Text("cli.subscribers.title")]
    public string? Title { get; init; }

    [CommandOption("--segment <SEGMENTS>")]
    [Text("cli.subscribers.segment_3")]
    public string? Segment { get; init; }

    [CommandOption("--district <DISTRICT>")]
    [Text("cli.subscribers.district")]
    public string? District { get; init; }

    [CommandOption("--industries <LIST>")]
    [Text("cli.subscribers.industries")]
    public string? Industries { get; init; }

    [CommandOption("--salutation <TEXT>")]
    [Text("cli.subscribers.salutation")]
    public string? Salutation { get; init; }
}

internal sealed class SubscribersAddSettings : SubscriberFieldSettings
{
    [CommandOption("--email <EMAIL>")]
    [Text("cli.subscribers.email_2")]
    public string? Email { get; init; }

    [CommandOption("--consent <NOTE>")]
    [Text("cli.subscribers.consent")]
    public string? Consent { get; init; }
}

internal sealed class SubscribersAddCommand : AsyncCommand<SubscribersAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersAddSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (settings.Email is null || settings.Name is null || settings.Segment is null)
            {
                throw new UserErrorException(Texts.Get("cli.subscribers.add_needs_email_name"), Texts.Get("cli.subscribers.e_g_subscribers_add"));
            }
            var store = services.GetRequiredService<ISubscriberStore>();
            var known = await store.ListSegmentsAsync(cancellationToken);
            var row = new ImportRow(0, settings.Email, settings.Name, settings.Organisation, settings.Title, settings.Segment,
                settings.District, settings.Industries, null, settings.Salutation);
            SubscribersCommands.Validate(row, known);
            var added = await store.AddAsync(SubscriberImporter.ToDraft(row, known, null, "cli") with
            {
                ConsentAt = settings.Consent is null ? null : services.GetRequiredService<TimeProvider>().GetUtcNow(),
            }, settings.Consent, cancellationToken);
            Console.Out.WriteLine(Texts.Format("cli.subscribers.added", added.Email, added.Id, added.Salutation));
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersEditSettings : SubscriberFieldSettings
{
    [CommandArgument(0, "<email>")]
    [Text("cli.subscribers.email_3")]
    public string Email { get; init; } = "";

    [CommandOption("--email <EMAIL>")]
    [Text("cli.subscribers.new_email")]
    public string? NewEmail { get; init; }
}

internal sealed class SubscribersEditCommand : AsyncCommand<SubscribersEditSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersEditSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var store = services.GetRequiredService<ISubscriberStore>();
            var current = await SubscribersCommands.FindOrFailAsync(store, settings.Email, cancellationToken);
            var known = await store.ListSegmentsAsync(cancellationToken);
            // The stored salutation is kept only when it was an override (different from the derived one).
            var storedOverride = current.Salutation == Salutation.Derive(current.Name, current.Title) ? null : current.Salutation;
            var row = new ImportRow(0, settings.NewEmail ?? current.Email, settings.Name ?? current.Name,
                settings.Organisation ?? current.Organisation, settings.Title ?? current.Title,
                settings.Segment ?? string.Join(",", current.Segments), settings.District ?? current.District,
                settings.Industries ?? string.Join(",", current.Industries), null, settings.Salutation ?? storedOverride);
            SubscribersCommands.Validate(row, known);
            var updated = await store.UpdateAsync(current.Id, SubscriberImporter.ToDraft(row, known, null, current.Source), cancellationToken)
                ?? throw new UserErrorException(Texts.Format("cli.subscribers.no_subscriber", settings.Email), Texts.Get("cli.subscribers.it_was_removed_meanwhile"));
            Console.Out.WriteLine(Texts.Format("cli.subscribers.edited", updated.Email, updated.Salutation));
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersUnsubscribeCommand : AsyncCommand<SubscriberEmailSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscriberEmailSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var store = services.GetRequiredService<ISubscriberStore>();
            var s = await SubscribersCommands.FindOrFailAsync(store, settings.Email, cancellationToken);
            await store.UnsubscribeAsync(s.Id, "admin (cli)", cancellationToken);
            var now = (await store.FindByIdAsync(s.Id, cancellationToken))!;
            Console.Out.WriteLine(s.Status == SubscriberStatus.Active
                ? Texts.Format("cli.subscribers.unsubscribed", now.Email)
                : Texts.Format("cli.subscribers.already", now.Email, now.Status.ToWord()));
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersResubscribeSettings : SubscriberEmailSettings
{
    [CommandOption("--consent <NOTE>")]
    [Text("cli.subscribers.consent_2")]
    public string? Consent { get; init; }
}

internal sealed class SubscribersResubscribeCommand : AsyncCommand<SubscribersResubscribeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersResubscribeSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (string.IsNullOrWhiteSpace(settings.Consent))
            {
                throw new UserErrorException(Texts.Get("cli.subscribers.resubscribe_needs_consent_note"), Texts.Get("cli.subscribers.say_when_and_how"));
            }
            var store = services.GetRequiredService<ISubscriberStore>();
            if (!await store.ResubscribeAsync(settings.Email, settings.Consent, cancellationToken))
            {
                var removed = await store.IsSuppressedAsync(settings.Email, cancellationToken);
                throw new UserErrorException(Texts.Format("cli.subscribers.no_subscriber", settings.Email),
                    Texts.Get(removed ? "cli.subscribers.removed_add_again" : "cli.subscribers.check_address"));
            }
            Console.Out.WriteLine(Texts.Format("cli.subscribers.active_again", EmailAddress.NormalizeForLookup(settings.Email)));
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersRemoveCommand : AsyncCommand<SubscriberEmailSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscriberEmailSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var store = services.GetRequiredService<ISubscriberStore>();
            var removed = await store.RemoveAsync(settings.Email, cancellationToken);
            Console.Out.WriteLine(removed
                ? Texts.Format("cli.subscribers.removed", EmailAddress.NormalizeForLookup(settings.Email))
                : Texts.Format("cli.subscribers.removed_none", EmailAddress.NormalizeForLookup(settings.Email)));
            return NewsletterApp.Ok;
        });
}
