using System.ComponentModel;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter subscribers …</c>: the list — import, export, look up and edit subscribers.</summary>
internal static class SubscribersCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("subscribers", b =>
        {
            b.SetDescription("The subscriber list: import and export CSV/XLSX, list, show, add, edit, unsubscribe, resubscribe, remove.");
            b.AddCommand<SubscribersImportCommand>("import")
                .WithDescription("Import subscribers from a sheet as it arrives: .xlsx, .xls, WPS .et or CSV/TSV (UTF-8, UTF-16 or GBK), told by its bytes; Chinese or English headers, other columns ignored. Invalid rows go to <file>.rejects.csv (the original row plus 原因; fix it and import it as it is); the rest is stored in one transaction.")
                .WithExample("subscribers", "import", "leaders.csv", "--segment", "市级领导", "--dry-run")
                .WithExample("subscribers", "import", "名单.xlsx", "--sheet", "县级领导");
            b.AddCommand<SubscribersListCommand>("list")
                .WithDescription("List subscribers, filtered by segment, status, tag (district or industry) and a search text.")
                .WithExample("subscribers", "list", "--segment", "county", "--status", "active");
            b.AddCommand<SubscribersShowCommand>("show").WithDescription("Show every field of one subscriber.")
                .WithExample("subscribers", "show", "wang@example.org");
            b.AddCommand<SubscribersAddCommand>("add").WithDescription("Add one subscriber.")
                .WithExample("subscribers", "add", "--email", "wang@example.org", "--name", "王建国", "--title", "局长", "--segment", "市级领导");
            b.AddCommand<SubscribersEditCommand>("edit").WithDescription("Change fields of one subscriber (an empty value clears an optional field).")
                .WithExample("subscribers", "edit", "wang@example.org", "--title", "副市长");
            b.AddCommand<SubscribersUnsubscribeCommand>("unsubscribe").WithDescription("Stop sending to an address (it stays on the list as unsubscribed).")
                .WithExample("subscribers", "unsubscribe", "wang@example.org");
            b.AddCommand<SubscribersResubscribeCommand>("resubscribe").WithDescription("Send to an unsubscribed, bounced or complained address again, recording the person's consent.")
                .WithExample("subscribers", "resubscribe", "wang@example.org", "--consent", "2026-11-27 电话确认恢复订阅");
            b.AddCommand<SubscribersRemoveCommand>("remove").WithDescription("Erase a subscriber's personal data; a hash of the address stays so no import brings it back unnoticed.")
                .WithExample("subscribers", "remove", "wang@example.org");
            b.AddCommand<SubscribersLoadSamplesCommand>("load-samples")
                .WithDescription("Load the synthetic sample lists (subscribers/<segment>.csv of the installation, or --from) into the database: made-up people, for a demo or a trial.")
                .WithExample("subscribers", "load-samples");
            b.AddCommand<SubscribersExportCommand>("export").WithDescription("Export subscribers in the import format: a real .xlsx workbook for -o *.xlsx, else CSV (UTF-8 with BOM; formula-like cells neutralised).")
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
            throw new UserErrorException(e.Message, "see `newsletter subscribers --help`");
        }
        catch (DbException e) when (Errors.DatabaseUnreachable(e) is null) // an unreachable server: NewsletterApp says so
        {
            throw new UserErrorException($"database error: {e.Message}", "check Database:ConnectionString and that the database server is running");
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
        ?? throw new UserErrorException($"no subscriber {email}", "check the address with `newsletter subscribers list --search <part>`");

    internal static SubscriberStatus? ParseStatus(string? text) =>
        text is null ? null
        : SubscriberStatusNames.TryParse(text, out var s) ? s
        : throw new UserErrorException($"unknown status '{text}'", "use active, unsubscribed, bounced or complained");

    internal static void Validate(ImportRow row, IReadOnlyCollection<Segment> known)
    {
        var result = new ImportRowValidator(known).Validate(row);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw new UserErrorException($"--{OptionName(error.PropertyName)}: {error.ErrorMessage}", "fix the value and run the command again");
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
        Row("id", s.Id.ToString(CultureInfo.InvariantCulture));
        Row("email", s.Email);
        Row("name 姓名", s.Name);
        Row("organisation 单位", s.Organisation);
        Row("title 职务", s.Title);
        Row("segments 类别", string.Join(", ", s.Segments));
        Row("district 区县", s.District);
        Row("industries 行业", s.Industries.Count == 0 ? null : string.Join("、", s.Industries));
        Row("status 状态", s.Status.ToWord());
        Row("salutation 称呼", s.Salutation);
        Row("source 来源", s.Source);
        Row("consent at", s.ConsentAt?.ToString("u", CultureInfo.InvariantCulture));
        Row("created at", s.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        Row("updated at", s.UpdatedAt.ToString("u", CultureInfo.InvariantCulture));
        console.Write(grid);
    }
}

internal sealed class SubscribersImportSettings : GlobalSettings
{
    [CommandArgument(0, "<file>")]
    [Description("An .xlsx, .xls, .et or .csv/.tsv file with a header line: 姓名/name, 邮箱/email, 单位, 职务, 分组/segment, 区县, 行业, 状态, 称呼 (synonyms in the README); other columns are ignored.")]
    public string File { get; init; } = "";

    [CommandOption("--sheet <SHEET>")]
    [Description("The sheet of a workbook: its name or number (1 = the first tab). Default: the first sheet with an e-mail column.")]
    public string? Sheet { get; init; }

    [CommandOption("--segment <SEGMENT>")]
    [Description("Segment for rows without one (key or Chinese name, e.g. county or 县级领导).")]
    public string? Segment { get; init; }

    [CommandOption("--dry-run")]
    [Description("Check and count only; store nothing.")]
    public bool DryRun { get; init; }

    [CommandOption("--update")]
    [Description("Update the fields of addresses already on the list (default: leave them unchanged).")]
    public bool Update { get; init; }

    [CommandOption("--encoding <ENCODING>")]
    [Description("utf-8 or gbk (CSV only). Default: detected.")]
    public string? Encoding { get; init; }
}

internal sealed class SubscribersImportCommand : AsyncCommand<SubscribersImportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersImportSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var summary = await services.GetRequiredService<SubscriberImporter>().ImportAsync(settings.File,
                new ImportOptions { Segment = settings.Segment, DryRun = settings.DryRun, Update = settings.Update, Encoding = settings.Encoding, Sheet = settings.Sheet },
                cancellationToken);
            if (!summary.Succeeded)
            {
                foreach (var error in summary.Errors.Skip(1))
                {
                    Errors.Write(error, null);
                }
                throw new UserErrorException(summary.Errors[0] + " — nothing was imported", "fix the file and run the command again");
            }

            var console = SubscribersCommands.Out();
            var table = new Table().AddColumn("imported").AddColumn("updated").AddColumn("unchanged").AddColumn("rejected").AddColumn("suppressed");
            table.AddRow(Number(summary.Imported), Number(summary.Updated), Number(summary.Unchanged), Number(summary.Rejected), Number(summary.Suppressed));
            var read = summary.Encoding ?? (summary.Sheet is { } sheet ? "sheet " + sheet : null);
            table.Title = new TableTitle(Markup.Escape(settings.File + (read is null ? "" : $" ({read})") + (summary.DryRun ? " — dry run, nothing stored" : "")));
            console.Write(table);
            if (summary.IgnoredColumns.Count > 0)
            {
                Console.Out.WriteLine(TerminalText.Safe($"warning: ignored column(s): {string.Join(", ", summary.IgnoredColumns)}"));
            }
            foreach (var warning in summary.Warnings.Take(10))
            {
                Console.Out.WriteLine(TerminalText.Safe($"  warning, line {warning.Line}, {warning.Column}: {warning.Message}"));
            }
            if (summary.WarningCount > 10)
            {
                Console.Out.WriteLine($"  … {summary.WarningCount - 10} more warning(s) (the rows were imported)");
            }
            foreach (var reject in summary.Rejects.Take(10))
            {
                Console.Out.WriteLine(TerminalText.Safe($"  line {reject.Line}{(reject.Column.Length > 0 ? ", " + reject.Column : "")}: {reject.Reason}"));
            }
            if (summary.RejectsPath is not null)
            {
                Console.Out.WriteLine($"{summary.Rejected} row(s) rejected; see {summary.RejectsPath}");
            }
            if (summary.Suppressed > 0)
            {
                Console.Out.WriteLine($"{summary.Suppressed} address(es) unsubscribed, bounced, complained or removed were left as they are; `subscribers resubscribe <email> --consent \"…\"` brings one back");
            }
            return NewsletterApp.Ok;
        });

    private static string Number(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

internal sealed class SubscribersListSettings : GlobalSettings
{
    [CommandOption("--segment <SEGMENT>")]
    [Description("Only this segment (key or name).")]
    public string? Segment { get; init; }

    [CommandOption("--status <STATUS>")]
    [Description("Only this status: active, unsubscribed, bounced or complained.")]
    public string? Status { get; init; }

    [CommandOption("--search <TEXT>")]
    [Description("Only subscribers whose email, name or organisation contains the text.")]
    public string? Search { get; init; }

    [CommandOption("--tag <TAG>")]
    [Description("Only subscribers with this district (e.g. 禹州市) or industry (e.g. 发制品).")]
    public string? Tag { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many rows. Default 1000.")]
    public int Limit { get; init; } = 1000;

    [CommandOption("--json")]
    [Description("Print a JSON array with every field.")]
    public bool Json { get; init; }
}

internal sealed class SubscribersListCommand : AsyncCommand<SubscribersListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersListSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (settings.Limit < 1)
            {
                throw new UserErrorException("--limit must be at least 1");
            }
            var store = services.GetRequiredService<ISubscriberStore>();
            var status = SubscribersCommands.ParseStatus(settings.Status);
            var rows = new List<Subscriber>();
            long after = 0;
            while (rows.Count < settings.Limit)
            {
                var page = await store.SearchAsync(new SubscriberQuery(settings.Segment, status, settings.Search, settings.Tag, after,
                    Math.Min(1000, settings.Limit - rows.Count)), cancellationToken);
                rows.AddRange(page);
                if (page.Count == 0 || rows.Count >= settings.Limit) break;
                after = page[^1].Id;
            }

            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, SubscribersCommands.Json));
                return NewsletterApp.Ok;
            }
            var console = SubscribersCommands.Out();
            if (rows.Count == 0)
            {
                Console.Out.WriteLine("no subscribers match");
                return NewsletterApp.Ok;
            }
            var table = new Table().AddColumn("email").AddColumn("姓名").AddColumn("单位").AddColumn("职务").AddColumn("类别")
                .AddColumn("区县").AddColumn("status");
            foreach (var s in rows)
            {
                table.AddRow(TerminalText.Cell(s.Email), TerminalText.Cell(s.Name), TerminalText.Cell(s.Organisation ?? ""), TerminalText.Cell(s.Title ?? ""),
                    TerminalText.Cell(string.Join(",", s.Segments)), TerminalText.Cell(s.District ?? ""),
                    s.Status == SubscriberStatus.Active ? "active" : $"[yellow]{s.Status.ToWord()}[/]");
            }
            console.Write(table);
            Console.Out.WriteLine(rows.Count == settings.Limit ? $"first {rows.Count} shown; raise --limit or narrow the search" : $"{rows.Count} subscriber(s)");
            return NewsletterApp.Ok;
        });
}

internal class SubscriberEmailSettings : GlobalSettings
{
    [CommandArgument(0, "<email>")]
    [Description("The subscriber's email address.")]
    public string Email { get; init; } = "";
}

internal sealed class SubscribersShowSettings : SubscriberEmailSettings
{
    [CommandOption("--json")]
    [Description("Print JSON with every field.")]
    public bool Json { get; init; }
}

internal sealed class SubscribersShowCommand : AsyncCommand<SubscribersShowSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersShowSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var s = await SubscribersCommands.FindOrFailAsync(services.GetRequiredService<ISubscriberStore>(), settings.Email, cancellationToken);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(s, SubscribersCommands.Json));
            }
            else
            {
                SubscribersCommands.PrintSubscriber(SubscribersCommands.Out(), s);
                // issue 17: the subscriber's returned mail.
                BouncesCommands.Print(null, await services.GetRequiredService<Newsletter.Core.Bounces.IBounceStore>()
                    .ListAsync(new Newsletter.Core.Bounces.BounceQuery(SubscriberId: s.Id, Limit: 20), cancellationToken));
            }
            return NewsletterApp.Ok;
        });
}

/// <summary>The fields add and edit take; null means "not given".</summary>
internal class SubscriberFieldSettings : GlobalSettings
{
    [CommandOption("--name <NAME>")]
    [Description("姓名.")]
    public string? Name { get; init; }

    [CommandOption("--organisation <ORG>")]
    [Description("单位.")]
    public string? Organisation { get; init; }

    [CommandOption("--title <TITLE>")]
    [Description("职务, e.g. 局长 (the salutation becomes 尊敬的王局长).")]
    public string? Title { get; init; }

    [CommandOption("--segment <SEGMENTS>")]
    [Description("Segments, comma-separated keys or names (municipal,county or 市级领导、县级领导).")]
    public string? Segment { get; init; }

    [CommandOption("--district <DISTRICT>")]
    [Description("区县 tag, e.g. 魏都区.")]
    public string? District { get; init; }

    [CommandOption("--industries <LIST>")]
    [Description("行业 interests, comma-separated, from the 6+3+3 industry list (e.g. 新材料,发制品); an unknown one is refused with the whole list.")]
    public string? Industries { get; init; }

    [CommandOption("--salutation <TEXT>")]
    [Description("称呼 overriding the derived one, e.g. 尊敬的建国同志.")]
    public string? Salutation { get; init; }
}

internal sealed class SubscribersAddSettings : SubscriberFieldSettings
{
    [CommandOption("--email <EMAIL>")]
    [Description("The address (required).")]
    public string? Email { get; init; }

    [CommandOption("--consent <NOTE>")]
    [Description("How the person agreed; needed to add an address that was removed earlier.")]
    public string? Consent { get; init; }
}

internal sealed class SubscribersAddCommand : AsyncCommand<SubscribersAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersAddSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (settings.Email is null || settings.Name is null || settings.Segment is null)
            {
                throw new UserErrorException("add needs --email, --name and --segment", "e.g. subscribers add --email wang@example.org --name 王建国 --segment 市级领导");
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
            Console.Out.WriteLine($"added {added.Email} (id {added.Id}): {added.Salutation}");
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersEditSettings : SubscriberFieldSettings
{
    [CommandArgument(0, "<email>")]
    [Description("The subscriber's current address.")]
    public string Email { get; init; } = "";

    [CommandOption("--email <EMAIL>")]
    [Description("A new address.")]
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
                ?? throw new UserErrorException($"no subscriber {settings.Email}", "it was removed meanwhile");
            Console.Out.WriteLine($"updated {updated.Email}: {updated.Salutation}");
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
                ? $"{now.Email} unsubscribed"
                : $"{now.Email} was already {now.Status.ToWord()}; nothing changed");
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersResubscribeSettings : SubscriberEmailSettings
{
    [CommandOption("--consent <NOTE>")]
    [Description("When and how the person agreed to receive the bulletin again (required).")]
    public string? Consent { get; init; }
}

internal sealed class SubscribersResubscribeCommand : AsyncCommand<SubscribersResubscribeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersResubscribeSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            if (string.IsNullOrWhiteSpace(settings.Consent))
            {
                throw new UserErrorException("resubscribe needs --consent \"<note>\"", "say when and how the person agreed, e.g. --consent \"2026-11-27 电话确认\"");
            }
            var store = services.GetRequiredService<ISubscriberStore>();
            if (!await store.ResubscribeAsync(settings.Email, settings.Consent, cancellationToken))
            {
                var removed = await store.IsSuppressedAsync(settings.Email, cancellationToken);
                throw new UserErrorException($"no subscriber {settings.Email}",
                    removed ? "the address was removed; add it again with `subscribers add … --consent \"<note>\"`" : "check the address");
            }
            Console.Out.WriteLine($"{EmailAddress.NormalizeForLookup(settings.Email)} is active again (consent recorded)");
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
                ? $"removed {EmailAddress.NormalizeForLookup(settings.Email)}: personal data erased, address suppressed"
                : $"no subscriber {EmailAddress.NormalizeForLookup(settings.Email)}; the address is suppressed for future imports");
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersExportSettings : GlobalSettings
{
    [CommandOption("-o|--output <FILE>")]
    [Description("The file to write: .xlsx for a workbook, anything else CSV. Default: CSV on standard output.")]
    public string? Output { get; init; }

    [CommandOption("--segment <SEGMENT>")]
    [Description("Only this segment (key or name).")]
    public string? Segment { get; init; }
}

internal sealed class SubscribersExportCommand : AsyncCommand<SubscribersExportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersExportSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var exporter = services.GetRequiredService<SubscriberExporter>();
            if (settings.Output is null)
            {
                await exporter.ExportAsync(TerminalText.RawOut, settings.Segment, cancellationToken); // data, byte for byte
                return NewsletterApp.Ok;
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(settings.Output));
            if (folder is not null) Directory.CreateDirectory(folder);
            long count;
            try
            {
                count = await exporter.ExportAsync(settings.Output, settings.Segment, cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new UserErrorException(e.Message.Split(" (Parameter", 2)[0], "use -o list.xlsx or -o list.csv");
            }
            Console.Error.WriteLine($"exported {count} subscriber(s) to {settings.Output}");
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersLoadSamplesSettings : GlobalSettings
{
    [CommandOption("--from <FOLDER>")]
    [Description("A folder of <segment>.csv files. Default: the Samples:Directory setting, else subscribers/ of the installation.")]
    public string? From { get; init; }
}

/// <summary><c>subscribers load-samples</c>: the one explicit way (besides the Quick start's demo) to put the sample lists into a store.</summary>
internal sealed class SubscribersLoadSamplesCommand : AsyncCommand<SubscribersLoadSamplesSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersLoadSamplesSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var folder = settings.From is { Length: > 0 } from ? Path.GetFullPath(from) : SampleSubscribers.Directory(services);
            var loaded = await SampleSubscribers.LoadAsync(services, folder, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"{loaded} sample subscribers loaded (synthetic people; remove them before a real send)");
            return NewsletterApp.Ok;
        });
}
