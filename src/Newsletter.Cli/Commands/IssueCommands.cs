using System.Globalization;
using System.Text;
using Newsletter.Core;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Issues;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter issue …</c>: issue sources — import the plain-text bulletin, check an issue file.</summary>
internal static class IssueCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("issue", issue =>
        {
            issue.SetDescription(Texts.Get("cli.issue.issue.description"));
            issue.AddCommand<IssueImportCommand>("import")
                .WithDescription(Texts.Get("cli.issue.import.description"))
                .WithExample("issue", "import", "seeds/000_d7cfb1a0bdf40954.txt", "-o", "seeds/sample-issue.md")
                .WithExample("issue", "import", "bulletin.txt", "-o", "issue.md", "--number", "2024年第9期（总第120期）", "--date", "2024-09-15")
                .WithExample("issue", "import", "bulletin.docx", "-o", "issue.md");
            issue.AddCommand<IssueValidateCommand>("validate")
                .WithDescription(Texts.Get("cli.issue.validate.description"))
                .WithExample("issue", "validate", "seeds/sample-issue.md");
            issue.AddCommand<IssuePreviewCommand>("preview")
                .WithDescription(Texts.Get("cli.issue.preview.description"))
                .WithExample("issue", "preview", "seeds/sample-issue.md", "--png");
            issue.AddCommand<IssueReadyCommand>("ready")
                .WithDescription(Texts.Get("cli.issue.ready.description"))
                .WithExample("issue", "ready", "seeds/sample-issue.md");
        });

    /// <summary>
    /// Parses <c>--number</c> and <c>--date</c>; a bad value is a user error naming the option (<paramref name="nothing"/>
    /// says what was not done).
    /// </summary>
    internal static IssueOverrides Overrides(string? number, string? date, string nothing)
    {
        string? parsedNumber = null;
        DateOnly? parsedDate = null;
        if (number is not null)
        {
            parsedNumber = IssueNumbers.ParseNumber(number, out var error)
                ?? throw new UserErrorException(Texts.Format("cli.issue.number_2", error, nothing), IssueNumbers.NumberHint);
        }
        if (date is not null)
        {
            parsedDate = IssueNumbers.ParseDate(date, out var error)
                ?? throw new UserErrorException(Texts.Format("cli.issue.date_2", error, nothing), IssueNumbers.DateHint);
        }
        return new IssueOverrides(parsedNumber, parsedDate);
    }

    /// <summary>Prints <paramref name="errors"/> on stderr, one "file:line: message — hint" line each, and fails the command.</summary>
    internal static UserErrorException Fail(string path, IReadOnlyList<SourceError> errors, string what)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error.ToString().ReplaceLineEndings(" "));
        }
        var count = Texts.Format(errors.Count == 1 ? "cli.issue.error_count_one" : "cli.issue.error_count", errors.Count);
        return new UserErrorException(Texts.Format("cli.issue.failed", path, what, count), Texts.Get("cli.issue.fix_lines_above"));
    }
}

internal sealed class IssueImportSettings : CommandSettings
{
    [CommandArgument(0, "<file>")]
    [Text("cli.issue.file")]
    public string File { get; init; } = "";

    [CommandOption("-o|--output <FILE>")]
    [Text("cli.issue.output")]
    public string? Output { get; init; }

    [CommandOption("--force")]
    [Text("cli.issue.force")]
    public bool Force { get; init; }

    [CommandOption("--number <期号>")]
    [Text("cli.issue.number")]
    public string? Number { get; init; }

    [CommandOption("--date <DATE>")]
    [Text("cli.issue.date")]
    public string? Date { get; init; }
}

internal sealed class IssueImportCommand : AsyncCommand<IssueImportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, IssueImportSettings settings, CancellationToken cancellationToken)
    {
        var kind = IssueLoader.KindOf(settings.File);
        if (kind is null && IssueLoader.UnknownExtension(settings.File).Errors[0] is var unknown
            && IssueLoader.LegacyWordExtensions.Contains(Path.GetExtension(settings.File).ToLowerInvariant()))
        {
            throw new UserErrorException($"{settings.File}: {unknown.Message}", unknown.Hint);
        }
        if (kind is not (IssueFileKind.BulletinText or IssueFileKind.WordDocument))
        {
            throw new UserErrorException(Texts.Format("cli.issue.import_reads_the_plain", settings.File),
                Texts.Get("cli.issue.a_markdown_issue_needs"));
        }
        var output = settings.Output ?? Path.ChangeExtension(settings.File, ".md");
        if (IssueLoader.KindOf(output) != IssueFileKind.Markdown)
        {
            throw new UserErrorException(Texts.Format("cli.issue.the_output_must_be", output), Texts.Get("cli.issue.name_it_e_g"));
        }
        if (File.Exists(output) && !settings.Force)
        {
            throw new UserErrorException(Texts.Format("cli.issue.already_exists", output), Texts.Get("cli.issue.pass_force_to_overwrite"));
        }

        var overrides = IssueCommands.Overrides(settings.Number, settings.Date, Texts.Get("cli.issue.nothing_written"));
        BulletinImportResult result;
        if (kind == IssueFileKind.WordDocument)
        {
            var bytes = IssueLoader.ReadBytes(settings.File, out var error);
            if (error is not null)
            {
                throw IssueCommands.Fail(settings.File, [error], Texts.Get("cli.issue.not_imported"));
            }
            result = new BulletinWordImporter().Import(bytes, settings.File, overrides);
            if (result.Decisions.Count == 0 && result.Errors.Count > 0)
            {
                throw IssueCommands.Fail(settings.File, result.Errors, Texts.Get("cli.issue.not_imported"));
            }
            PrintDecisions(settings.File, Texts.Format("cli.issue.word_document", result.ModeDescription), result);
        }
        else
        {
            var text = IssueLoader.ReadText(settings.File);
            if (text.Error is not null)
            {
                throw IssueCommands.Fail(settings.File, [text.Error], Texts.Get("cli.issue.not_imported"));
            }
            result = new BulletinTextImporter().Import(text.Text!, settings.File, overrides);
            PrintDecisions(settings.File, text.EncodingName!, result);
        }
        if (result.Issue is { } imported)
        {
            PrintHeader(result.Header, imported.Metadata, overrides, result.Mode);
        }
        if (result.Errors.Count > 0)
        {
            throw IssueCommands.Fail(settings.File, result.Errors, Texts.Get("cli.issue.not_imported"));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        await File.WriteAllTextAsync(output, result.Markdown, new UTF8Encoding(false), cancellationToken);

        // Check what the author will edit, so positions are those of the Markdown.
        var reread = new IssueParser().Parse(result.Markdown!, output);
        var problems = reread.Issue is null ? reread.Errors : new IssueValidator().Check(reread.Issue);
        var unsure = result.Unsure.Count();
        Console.Out.WriteLine(unsure > 0 ? Texts.Format("cli.issue.wrote_check", output, unsure) : Texts.Format("cli.issue.wrote", output));
        foreach (var problem in problems)
        {
            Console.Out.WriteLine("  " + problem);
        }
        return NewsletterApp.Ok;
    }

    private static void PrintDecisions(string path, string encoding, BulletinImportResult result)
    {
        var output = Console.Out;
        output.WriteLine($"{path} ({encoding}):");
        foreach (var decision in result.Decisions.Where(d => d.Kind != ImportDecisionKind.Paragraph || d.IsUnsure))
        {
            var mark = decision.IsUnsure ? "?" : " ";
            var indent = decision.Kind switch
            {
                ImportDecisionKind.Article => "  ",
                ImportDecisionKind.Subheading => "    ",
                ImportDecisionKind.Paragraph => "      ",
                _ => "",
            };
            var kind = Texts.Get("cli.issue.kind." + decision.Kind.ToString().ToLowerInvariant());
            output.WriteLine($"{mark} {decision.Line,5}  {kind + new string(' ', Math.Max(0, 10 - HelpText.Columns(kind)))}  {indent}{Shorten(decision.Text)}");
            if (decision.Doubt is not null)
            {
                output.WriteLine($"         {"",-10}  {indent}? {decision.Doubt}");
            }
        }
        int Count(ImportDecisionKind kind) => result.Decisions.Count(d => d.Kind == kind);
        output.WriteLine(Texts.Format("cli.issue.sections_articles", Count(ImportDecisionKind.Section), Count(ImportDecisionKind.Article)) +
            Texts.Format("cli.issue.subheadings_paragraphs", Count(ImportDecisionKind.Subheading), Count(ImportDecisionKind.Paragraph), result.Unsure.Count()) +
            (Count(ImportDecisionKind.Image) > 0 ? Texts.Format("cli.issue.images_dropped", Count(ImportDecisionKind.Image)) : ""));
    }

    /// <summary>What the header gave, what was overridden, and whether the issue is written as a sample.</summary>
    private static void PrintHeader(IssueHeader header, IssueMetadata metadata, IssueOverrides overrides, BulletinImportMode mode)
    {
        var output = Console.Out;
        var (unit, above) = mode switch
        {
            BulletinImportMode.Text => (Texts.Get("cli.issue.unit_line"), Texts.Get("cli.issue.above_marker_lines")),
            BulletinImportMode.WordParagraphs => (Texts.Get("cli.issue.unit_paragraph"), Texts.Get("cli.issue.above_marker_paragraphs")),
            _ => (Texts.Get("cli.issue.unit_paragraph"), Texts.Get("cli.issue.above_heading_paragraphs")),
        };
        output.WriteLine(header.Number is { } n ? Texts.Format("cli.issue.number_found", n, string.Format(CultureInfo.InvariantCulture, unit, header.NumberLine)) : Texts.Format("cli.issue.number_not_found", above));
        output.WriteLine(header.Date is { } d ? Texts.Format("cli.issue.date_found", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Format(CultureInfo.InvariantCulture, unit, header.DateLine)) : Texts.Format("cli.issue.date_not_found", above));
        if (overrides.Number is { } on)
        {
            output.WriteLine(Texts.Format("cli.issue.set_by_number", on));
        }
        if (overrides.Date is { } od)
        {
            output.WriteLine(Texts.Format("cli.issue.date_set_by_date", od));
        }
        if (metadata.IsSample)
        {
            output.WriteLine(Texts.Get("cli.issue.written_as_sample_true"));
        }
        else
        {
            var missing = new[] { metadata.Number is null ? Texts.Get("cli.issue.missing_number") : null, metadata.Date is null ? Texts.Get("cli.issue.missing_date") : null }.OfType<string>().ToList();
            output.WriteLine(Texts.Get("cli.issue.written_as_sample_false") + (missing.Count > 0
                ? Texts.Format("cli.issue.still_missing", string.Join(", ", missing))
                : Texts.Format("cli.issue.with_number_and_date", metadata.Number, metadata.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..38] + "…";
}

internal sealed class IssueValidateSettings : GlobalSettings
{
    [CommandArgument(0, "<file>")]
    [Text("cli.issue.file_2")]
    public string File { get; init; } = "";
}

internal sealed class IssueValidateCommand : AsyncCommand<IssueValidateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, IssueValidateSettings settings, CancellationToken cancellationToken)
    {
        // The same intake as publish, schedule and the web: audiences are checked against the segments in the store.
        await using var services = AppServices.Build(settings);
        var read = await services.GetRequiredService<IssueIntake>().ReadAsync(settings.File, cancellationToken);
        if (!read.IsValid)
        {
            throw IssueCommands.Fail(settings.File, read.Errors, Texts.Get("cli.issue.not_valid"));
        }

        var issue = read.Issue!;
        var paragraphs = issue.Sections.Sum(s => s.Paragraphs.Count + s.Articles.Sum(a => a.Paragraphs.Count()));
        var sample = issue.Metadata.IsSample ? Texts.Get("cli.issue.sample_suffix") : "";
        Console.Out.WriteLine(Texts.Format("cli.issue.valid", settings.File, sample, issue.Subject, issue.Sections.Count,
            issue.Articles.Count(), paragraphs, string.Join(", ", issue.Metadata.Audiences)));
        return NewsletterApp.Ok;
    }
}
