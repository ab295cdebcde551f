using System.ComponentModel;
using System.Text;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core;
using Newsletter.Core.Issues;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter issue …</c>: issue sources — import the plain-text bulletin, check an issue file.</summary>
internal static class IssueCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("issue", issue =>
        {
            issue.SetDescription("Issue sources: import the plain-text bulletin as Markdown, check an issue file, preview it.");
            issue.AddCommand<IssueImportCommand>("import")
                .WithDescription("Convert the plain-text bulletin (.txt) into a Markdown issue (.md) to review; prints what it decided and flags lines to check.")
                .WithExample("issue", "import", "seeds/000_d7cfb1a0bdf40954.txt", "-o", "seeds/sample-issue.md");
            issue.AddCommand<IssueValidateCommand>("validate")
                .WithDescription("Check an issue file (.md or .txt): prints each mistake as file:line: message and exits 1 if there is any.")
                .WithExample("issue", "validate", "seeds/sample-issue.md");
            issue.AddCommand<IssuePreviewCommand>("preview")
                .WithDescription("Write each audience variant's HTML and text (sample recipient), and with --png screenshots at 600 and 375 px.")
                .WithExample("issue", "preview", "seeds/sample-issue.md", "--png");
            issue.AddCommand<IssueReadyCommand>("ready")
                .WithDescription("Validate an issue and mark it ready: recurring plans (`newsletter schedule plan`) publish the newest ready issue they have not sent.")
                .WithExample("issue", "ready", "seeds/sample-issue.md");
        });

    /// <summary>Prints <paramref name="errors"/> on stderr, one "file:line: message — hint" line each, and fails the command.</summary>
    internal static UserErrorException Fail(string path, IReadOnlyList<SourceError> errors, string what)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error.ToString().ReplaceLineEndings(" "));
        }
        var count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return new UserErrorException($"{path}: {what} ({count})", "fix the lines above and run the command again");
    }
}

internal sealed class IssueImportSettings : CommandSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The plain-text bulletin (.txt), UTF-8 or GBK.")]
    public string File { get; init; } = "";

    [CommandOption("-o|--output <FILE>")]
    [Description("The Markdown issue to write. Default: the input's name with .md.")]
    public string? Output { get; init; }

    [CommandOption("--force")]
    [Description("Overwrite the output file if it exists.")]
    public bool Force { get; init; }
}

internal sealed class IssueImportCommand : AsyncCommand<IssueImportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, IssueImportSettings settings, CancellationToken cancellationToken)
    {
        if (IssueLoader.KindOf(settings.File) != IssueFileKind.BulletinText)
        {
            throw new UserErrorException($"{settings.File}: import reads the plain-text bulletin (.txt)",
                "a Markdown issue needs no import: check it with `newsletter issue validate`");
        }
        var output = settings.Output ?? Path.ChangeExtension(settings.File, ".md");
        if (IssueLoader.KindOf(output) != IssueFileKind.Markdown)
        {
            throw new UserErrorException($"{output}: the output must be a Markdown file (.md)", "name it e.g. -o issue.md");
        }
        if (File.Exists(output) && !settings.Force)
        {
            throw new UserErrorException($"{output} already exists", "pass --force to overwrite it, or choose another -o");
        }

        var text = IssueLoader.ReadText(settings.File);
        if (text.Error is not null)
        {
            throw IssueCommands.Fail(settings.File, [text.Error], "not imported");
        }
        var result = new BulletinTextImporter().Import(text.Text!, settings.File);
        PrintDecisions(settings.File, text.EncodingName!, result);
        if (result.Errors.Count > 0)
        {
            throw IssueCommands.Fail(settings.File, result.Errors, "not imported");
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
        Console.Out.WriteLine($"wrote {output}" + (unsure > 0 ? $"; check the {unsure} line(s) marked ? before sending" : ""));
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
            var kind = decision.Kind.ToString().ToLowerInvariant();
            output.WriteLine($"{mark} {decision.Line,5}  {kind,-10}  {indent}{Shorten(decision.Text)}");
            if (decision.Doubt is not null)
            {
                output.WriteLine($"         {"",-10}  {indent}? {decision.Doubt}");
            }
        }
        int Count(ImportDecisionKind kind) => result.Decisions.Count(d => d.Kind == kind);
        output.WriteLine($"{Count(ImportDecisionKind.Section)} sections, {Count(ImportDecisionKind.Article)} articles, " +
            $"{Count(ImportDecisionKind.Subheading)} subheadings, {Count(ImportDecisionKind.Paragraph)} paragraphs; " +
            $"{result.Unsure.Count()} line(s) to check");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..38] + "…";
}

internal sealed class IssueValidateSettings : CommandSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The issue: Markdown with front matter (.md) or the plain-text bulletin (.txt).")]
    public string File { get; init; } = "";
}

internal sealed class IssueValidateCommand : AsyncCommand<IssueValidateSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, IssueValidateSettings settings, CancellationToken cancellationToken)
    {
        var loaded = IssueLoader.Load(settings.File);
        if (loaded.Issue is null || loaded.Errors.Count > 0)
        {
            throw IssueCommands.Fail(settings.File, loaded.Errors, "not a valid issue");
        }
        var errors = new IssueValidator().Check(loaded.Issue);
        if (errors.Count > 0)
        {
            throw IssueCommands.Fail(settings.File, errors, "not a valid issue");
        }

        var issue = loaded.Issue;
        var paragraphs = issue.Sections.Sum(s => s.Paragraphs.Count + s.Articles.Sum(a => a.Paragraphs.Count()));
        var sample = issue.Metadata.IsSample ? " (sample)" : "";
        Console.Out.WriteLine($"{settings.File}: ok{sample} — \"{issue.Subject}\", {issue.Sections.Count} sections, " +
            $"{issue.Articles.Count()} articles, {paragraphs} paragraphs, to {string.Join(", ", issue.Metadata.Audiences)}");
        return Task.FromResult(NewsletterApp.Ok);
    }
}
