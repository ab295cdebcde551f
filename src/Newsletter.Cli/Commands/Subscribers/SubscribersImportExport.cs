using System.Globalization;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Cli.Commands;

internal sealed class SubscribersImportSettings : GlobalSettings
{
    [CommandArgument(0, "<file>")]
    [Text("cli.subscribers.file")]
    public string File { get; init; } = "";

    [CommandOption("--sheet <SHEET>")]
    [Text("cli.subscribers.sheet")]
    public string? Sheet { get; init; }

    [CommandOption("--segment <SEGMENT>")]
    [Text("cli.subscribers.segment")]
    public string? Segment { get; init; }

    [CommandOption("--dry-run")]
    [Text("cli.subscribers.dry_run")]
    public bool DryRun { get; init; }

    [CommandOption("--update")]
    [Text("cli.subscribers.update")]
    public bool Update { get; init; }

    [CommandOption("--encoding <ENCODING>")]
    [Text("cli.subscribers.encoding")]
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
                throw new UserErrorException(summary.Errors[0] + " — nothing was imported", Texts.Get("cli.subscribers.fix_the_file_and"));
            }

            var console = SubscribersCommands.Out();
            var table = new Table().AddColumn(Texts.Get("cli.subscribers.imported")).AddColumn(Texts.Get("cli.subscribers.updated")).AddColumn(Texts.Get("cli.subscribers.unchanged")).AddColumn(Texts.Get("cli.subscribers.rejected")).AddColumn(Texts.Get("cli.subscribers.suppressed"));
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

internal sealed class SubscribersExportSettings : GlobalSettings
{
    [CommandOption("-o|--output <FILE>")]
    [Text("cli.subscribers.output")]
    public string? Output { get; init; }

    [CommandOption("--segment <SEGMENT>")]
    [Text("cli.subscribers.segment_2")]
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
            Console.Error.WriteLine(Texts.Format("cli.subscribers.exported_subscriber_s_to", count, settings.Output));
            return NewsletterApp.Ok;
        });
}

internal sealed class SubscribersLoadSamplesSettings : GlobalSettings
{
    [CommandOption("--from <FOLDER>")]
    [Text("cli.subscribers.from")]
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
            Say.Line("cli.subscribers.sample_subscribers_loaded_synthetic", loaded);
            return NewsletterApp.Ok;
        });
}
