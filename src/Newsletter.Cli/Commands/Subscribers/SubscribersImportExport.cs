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

    [CommandOption("--column <HEADER=COLUMN>")]
    [Text("cli.subscribers.column")]
    public string[] Columns { get; init; } = [];

    public override ValidationResult Validate() =>
        ColumnMapping(out var error) is null ? ValidationResult.Error(error!) : ValidationResult.Success();

    /// <summary>
    /// The <c>--column</c> mapping (<c>"Mail box=邮箱"</c>, <c>"联系电话=忽略"</c>): a header as written in the sheet →
    /// the column it holds (any accepted header name of that column), or null to ignore it; null when one is not understood.
    /// </summary>
    public IReadOnlyDictionary<string, ImportColumn?>? ColumnMapping(out string? error)
    {
        error = null;
        var mapping = new Dictionary<string, ImportColumn?>(StringComparer.Ordinal);
        foreach (var item in Columns)
        {
            var cut = item.LastIndexOfAny(['=', '＝']);
            var header = cut > 0 ? item[..cut].Trim() : "";
            var target = cut > 0 ? item[(cut + 1)..].Trim() : "";
            if (header.Length == 0)
            {
                error = Texts.Format("cli.subscribers.column_syntax", item);
                return null;
            }
            if (target.ToLowerInvariant() is "ignore" or "忽略")
            {
                mapping[header] = null;
            }
            else if (ImportColumns.TryMatch(target, out var column) && column != ImportColumn.Reason)
            {
                mapping[header] = column;
            }
            else
            {
                error = Texts.Format("cli.subscribers.column_unknown", target, item, ImportColumns.Describe());
                return null;
            }
        }
        return mapping;
    }
}

internal sealed class SubscribersImportCommand : AsyncCommand<SubscribersImportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubscribersImportSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            var summary = await services.GetRequiredService<SubscriberImporter>().ImportAsync(settings.File,
                new ImportOptions
                {
                    Segment = settings.Segment, DryRun = settings.DryRun, Update = settings.Update, Encoding = settings.Encoding, Sheet = settings.Sheet,
                    Columns = settings.Columns.Length > 0 ? settings.ColumnMapping(out _) : null,
                },
                cancellationToken);
            if (!summary.Succeeded)
            {
                foreach (var error in summary.Errors.Skip(1))
                {
                    Errors.Write(error, null);
                }
                throw new UserErrorException(Texts.Format("cli.subscribers.nothing_imported", summary.Errors[0]), Texts.Get("cli.subscribers.fix_the_file_and"));
            }

            var console = SubscribersCommands.Out();
            var table = new Table().AddColumn(Texts.Get("cli.subscribers.imported")).AddColumn(Texts.Get("cli.subscribers.updated")).AddColumn(Texts.Get("cli.subscribers.unchanged")).AddColumn(Texts.Get("cli.subscribers.rejected")).AddColumn(Texts.Get("cli.subscribers.suppressed"));
            table.AddRow(Number(summary.Imported), Number(summary.Updated), Number(summary.Unchanged), Number(summary.Rejected), Number(summary.Suppressed));
            var read = summary.Encoding ?? (summary.Sheet is { } sheet ? Texts.Format("cli.subscribers.read_sheet", sheet) : null);
            table.Title = new TableTitle(Markup.Escape(settings.File + (read is null ? "" : $" ({read})") + (summary.DryRun ? Texts.Get("cli.subscribers.dry_run_title") : "")));
            console.Write(table);
            if (summary.IgnoredColumns.Count > 0)
            {
                Console.Out.WriteLine(TerminalText.Safe(Texts.Format("cli.subscribers.ignored_columns", string.Join(Texts.Get("core.separator.comma"), summary.IgnoredColumns))));
            }
            foreach (var warning in summary.Warnings.Take(10))
            {
                Console.Out.WriteLine(TerminalText.Safe(Texts.Format("cli.subscribers.warning_line", warning.Line, warning.Column, warning.Message)));
            }
            if (summary.WarningCount > 10)
            {
                Console.Out.WriteLine(Texts.Format("cli.subscribers.more_warnings", summary.WarningCount - 10));
            }
            foreach (var reject in summary.Rejects.Take(10))
            {
                Console.Out.WriteLine(TerminalText.Safe(reject.Column.Length > 0
                    ? Texts.Format("cli.subscribers.reject_line_column", reject.Line, reject.Column, reject.Reason)
                    : Texts.Format("cli.subscribers.reject_line", reject.Line, reject.Reason)));
            }
            if (summary.RejectsPath is not null)
            {
                Console.Out.WriteLine(Texts.Format("cli.subscribers.rejected_see", summary.Rejected, summary.RejectsPath));
            }
            if (summary.Suppressed > 0)
            {
                Console.Out.WriteLine(Texts.Format("cli.subscribers.suppressed_left", summary.Suppressed));
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
                throw new UserErrorException(e.Message.Split(" (Parameter", 2)[0], Texts.Get("cli.subscribers.export_kind_hint"));
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
