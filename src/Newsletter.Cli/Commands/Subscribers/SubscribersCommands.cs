using System.Data.Common;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter subscribers …</c>: the list — import, export, look up and edit subscribers.</summary>
internal static class SubscribersCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("subscribers", b =>
        {
            b.SetDescription(Texts.Get("cli.subscribers.subscribers.description"));
            b.AddCommand<SubscribersImportCommand>("import")
                .WithDescription(Texts.Get("cli.subscribers.import.description"))
                .WithExample("subscribers", "import", "leaders.csv", "--segment", "市级领导", "--dry-run")
                .WithExample("subscribers", "import", "名单.xlsx", "--sheet", "县级领导");
            b.AddCommand<SubscribersListCommand>("list")
                .WithDescription(Texts.Get("cli.subscribers.list.description"))
                .WithExample("subscribers", "list", "--segment", "county", "--status", "active");
            b.AddCommand<SubscribersShowCommand>("show").WithDescription(Texts.Get("cli.subscribers.show.description"))
                .WithExample("subscribers", "show", "wang@example.org");
            b.AddCommand<SubscribersAddCommand>("add").WithDescription(Texts.Get("cli.subscribers.add.description"))
                .WithExample("subscribers", "add", "--email", "wang@example.org", "--name", "王建国", "--title", "局长", "--segment", "市级领导");
            b.AddCommand<SubscribersEditCommand>("edit").WithDescription(Texts.Get("cli.subscribers.edit.description"))
                .WithExample("subscribers", "edit", "wang@example.org", "--title", "副市长");
            b.AddCommand<SubscribersUnsubscribeCommand>("unsubscribe").WithDescription(Texts.Get("cli.subscribers.unsubscribe.description"))
                .WithExample("subscribers", "unsubscribe", "wang@example.org");
            b.AddCommand<SubscribersResubscribeCommand>("resubscribe").WithDescription(Texts.Get("cli.subscribers.resubscribe.description"))
                .WithExample("subscribers", "resubscribe", "wang@example.org", "--consent", "2026-11-27 电话确认恢复订阅");
            b.AddCommand<SubscribersRemoveCommand>("remove").WithDescription(Texts.Get("cli.subscribers.remove.description"))
                .WithExample("subscribers", "remove", "wang@example.org");
            b.AddCommand<SubscribersLoadSamplesCommand>("load-samples")
                .WithDescription(Texts.Get("cli.subscribers.load_samples.description"))
                .WithExample("subscribers", "load-samples");
            b.AddCommand<SubscribersExportCommand>("export").WithDescription(Texts.Get("cli.subscribers.export.description"))
                .WithExample("subscribers", "export", "-o", "backup.csv")
                .WithExample("subscribers", "export", "-o", "list.xlsx");
        });

    /// <summary>Runs <paramref name="body"/> with the services, turning store faults into one-line user errors.</summary>
    internal static async Task<int> WithServicesAsync(GlobalSettings settings, Func<IServiceProvider, Task<int>> body)
    {
        await using var services = AppServices.Build(settings);
        try
        {
            return await body(services);
        }
        catch (AudienceException e)
        {
            throw new UserErrorException(e.Message, Texts.Get("cli.subscribers.see_newsletter_subscribers_help"));
        }
        catch (DbException e) when (Errors.DatabaseUnreachable(e) is null) // an unreachable server: NewsletterApp says so
        {
            throw new UserErrorException(Texts.Format("cli.subscribers.database_error", e.Message), Texts.Get("cli.subscribers.check_database_connectionstring_and"));
        }
    }

    /// <summary>Output bound to the standard output of this run (tests redirect it), stored text neutralised.</summary>
    internal static IAnsiConsole Out() => TerminalText.CreateConsole();

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    internal static async Task<Subscriber> FindOrFailAsync(ISubscriberStore store, string email, CancellationToken ct) =>
        await store.FindByEmailAsync(email, ct)
        ?? throw new UserErrorException(Texts.Format("cli.subscribers.no_subscriber", email), Texts.Get("cli.subscribers.check_the_address_with"));

    internal static SubscriberStatus? ParseStatus(string? text) =>
        text is null ? null
        : SubscriberStatusNames.TryParse(text, out var s) ? s
        : throw new UserErrorException(Texts.Format("cli.subscribers.unknown_status", text), Texts.Get("cli.subscribers.use_active_unsubscribed_bounced"));

    internal static void Validate(ImportRow row, IReadOnlyCollection<Segment> known)
    {
        var result = new ImportRowValidator(known).Validate(row);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw new UserErrorException($"--{OptionName(error.PropertyName)}: {error.ErrorMessage}", Texts.Get("cli.subscribers.fix_the_value"));
        }
    }

    private static string OptionName(string property) => property.Split('[')[0] switch
    {
        nameof(ImportRow.Segments) => "segment",
        var p => p.ToLowerInvariant(),
    };

    internal static void PrintSubscriber(IAnsiConsole console, Subscriber s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string label, string? value) => grid.AddRow(new Text(label, new Style(Color.Grey)), new Text(value is null ? "—" : TerminalText.Safe(value)));
        Row(Texts.Get("cli.subscribers.id"), s.Id.ToString(CultureInfo.InvariantCulture));
        Row(Texts.Get("cli.subscribers.email_4"), s.Email);
        Row(Texts.Get("cli.subscribers.name_2"), s.Name);
        Row(Texts.Get("cli.subscribers.organisation_2"), s.Organisation);
        Row(Texts.Get("cli.subscribers.title_2"), s.Title);
        Row(Texts.Get("cli.subscribers.segments"), string.Join(", ", s.Segments));
        Row(Texts.Get("cli.subscribers.district_2"), s.District);
        Row(Texts.Get("cli.subscribers.industries_2"), s.Industries.Count == 0 ? null : string.Join("、", s.Industries));
        Row(Texts.Get("cli.subscribers.status_2"), s.Status.ToWord());
        Row(Texts.Get("cli.subscribers.salutation_2"), s.Salutation);
        Row(Texts.Get("cli.subscribers.source"), s.Source);
        Row(Texts.Get("cli.subscribers.consent_at"), LocalTime.Show(s.ConsentAt));
        Row(Texts.Get("cli.subscribers.created_at"), LocalTime.Show(s.CreatedAt));
        Row(Texts.Get("cli.subscribers.updated_at"), LocalTime.Show(s.UpdatedAt));
        console.Write(grid);
    }
}
