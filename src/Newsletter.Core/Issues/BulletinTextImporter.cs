using System.Globalization;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// How <see cref="BulletinTextImporter"/> tells headings from paragraphs. Defaults fit the bulletin as received
/// (seeds/000_d7cfb1a0bdf40954.txt): article titles of 17–20 characters, subheadings of 6.
/// </summary>
public sealed record BulletinImportOptions
{
    /// <summary>Characters that open a section when a line starts with one (default ●).</summary>
    public string SectionMarkers { get; init; } = "●";

    /// <summary>Lines longer than this (in characters) are always paragraphs (default 30).</summary>
    public int MaxHeadingLength { get; init; } = 30;

    /// <summary>A heading of at least this many characters is an article title, a shorter one a subheading (default 12).</summary>
    public int ArticleTitleMinLength { get; init; } = 12;

    /// <summary>Subheadings up to this length are certain; longer ones, up to <see cref="ArticleTitleSureMinLength"/>, are flagged (default 8).</summary>
    public int SubheadingSureMaxLength { get; init; } = 8;

    /// <summary>Article titles from this length on are certain; shorter ones are flagged (default 15).</summary>
    public int ArticleTitleSureMinLength { get; init; } = 15;

    /// <summary>The metadata of an imported issue: the default title and publisher, every built-in audience, <c>sample: true</c>
    /// unless the header lines give a 期号 or a date (none is invented).</summary>
    public IssueMetadata Metadata { get; init; } = new(IssueMetadata.DefaultTitle, null, null, IssueMetadata.DefaultPublisher,
        ["municipal", "county", "enterprise"], null, null, IsSample: true);

    /// <summary>The defaults.</summary>
    public static BulletinImportOptions Default { get; } = new();

    /// <summary>The bulletin's name or publisher alone on a header line (the masthead prints them anyway).</summary>
    internal bool IsMasthead(string line)
    {
        var bare = line.Trim('《', '》', ' ', '\u3000');
        return bare == Metadata.Title || (Metadata.Publisher is { } publisher && bare.StartsWith(publisher, StringComparison.Ordinal) && bare.Length <= publisher.Length + 4);
    }
}

/// <summary>What the importer made of one line.</summary>
public enum ImportDecisionKind
{
    /// <summary>A section marker line (● 行业动态).</summary>
    Section,

    /// <summary>An article title.</summary>
    Article,

    /// <summary>A subheading inside an article.</summary>
    Subheading,

    /// <summary>A paragraph.</summary>
    Paragraph,

    /// <summary>A line left out of the issue (text before the first section).</summary>
    Skipped,

    /// <summary>A header line above the first section that gives the 期号.</summary>
    Number,

    /// <summary>A header line above the first section that gives the issue date.</summary>
    Date,

    /// <summary>An image or embedded object of a Word document, left out of the issue (always flagged, never silently lost).</summary>
    Image,

    /// <summary>A Word table carried into the issue as a table, its first row the header.</summary>
    Table,
}

/// <summary>期号 and date given by the operator (<c>--number</c>, <c>--date</c>, the web form); they win over the file's.</summary>
/// <param name="Number">期号, already normalised by <see cref="IssueNumbers.ParseNumber"/>; null keeps the file's.</param>
/// <param name="Date">The date; null keeps the file's.</param>
public sealed record IssueOverrides(string? Number, DateOnly? Date)
{
    /// <summary>No override.</summary>
    public static IssueOverrides None { get; } = new(null, null);

    /// <summary>True when nothing is overridden.</summary>
    public bool IsEmpty => Number is null && Date is null;

    /// <summary>
    /// <paramref name="metadata"/> with the overrides applied. An issue given a 期号 or a date is no longer a sample
    /// (the operator named it).
    /// </summary>
    public IssueMetadata Apply(IssueMetadata metadata) => IsEmpty
        ? metadata
        : metadata with { Number = Number ?? metadata.Number, Date = Date ?? metadata.Date, IsSample = false };
}

/// <summary>One decision of the importer.</summary>
/// <param name="Line">1-based line of the text file (for a Word document, the paragraph number).</param>
/// <param name="Kind">What the line became.</param>
/// <param name="Text">The line, trimmed.</param>
/// <param name="Doubt">Why the importer is unsure of this decision; null when it is sure.</param>
public sealed record ImportDecision(int Line, ImportDecisionKind Kind, string Text, string? Doubt = null)
{
    /// <summary>True when a person should check this line.</summary>
    public bool IsUnsure => Doubt is not null;
}

/// <summary>The outcome of importing a plain-text bulletin.</summary>
/// <param name="Issue">The issue (line numbers of the text file); null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Markdown">The same issue as Markdown with front matter, ready to review and save; null on errors.</param>
/// <param name="Decisions">Every non-blank line and what it became, in order.</param>
/// <param name="Errors">Mistakes that stop the import.</param>
public sealed record BulletinImportResult(Issue? Issue, string? Markdown, IReadOnlyList<ImportDecision> Decisions,
    IReadOnlyList<SourceError> Errors)
{
    /// <summary>The 期号 and date found above the first section marker (before any override).</summary>
    public IssueHeader Header { get; init; } = IssueHeader.None;

    /// <summary>How the source was read: plain text, or a Word document by its heading styles or by the plain-text rules.</summary>
    public BulletinImportMode Mode { get; init; } = BulletinImportMode.Text;

    /// <summary>What the mode means for this source (e.g. which Word styles became sections); null for plain text.</summary>
    public string? ModeDescription { get; init; }

    /// <summary>The lines a person should check.</summary>
    public IEnumerable<ImportDecision> Unsure => Decisions.Where(d => d.IsUnsure);

    /// <summary>The issue and errors alone, as <see cref="IssueParser"/> returns them.</summary>
    public IssueParseResult ToParseResult() => new(Issue, Errors);
}

/// <summary>
/// Converts the plain-text bulletin as received into an <see cref="Issue"/> and its Markdown.
/// </summary>
/// <remarks>
/// The format: a line starting with ● opens a section (编者的话, 行业动态, 行业趋势). Inside a section, every non-blank
/// line is a block of its own. A short line without closing punctuation is a heading: the first one after a section
/// marker, or a long one, is an article title; a short one is a subheading. A title may be followed by its first
/// paragraph without a blank line. Spaces and full-width spaces (U+3000) around lines are trimmed. Lines whose reading
/// is uncertain (heading lengths between the sure bands, a heading with nothing after it, a long line without closing
/// punctuation) are flagged in <see cref="BulletinImportResult.Decisions"/>.
/// </remarks>
public sealed class BulletinTextImporter(BulletinImportOptions? options = null)
{
    private const string ClosingPunctuation = "。！？；：…，、.!?;:,";
    private const string ClosingBrackets = "”’」』）)】》\"'";

    private readonly BulletinImportOptions options = options ?? BulletinImportOptions.Default;

    /// <summary>Imports <paramref name="text"/> read from <paramref name="path"/> (the issue's source path and error positions).</summary>
    /// <remarks>
    /// The header lines above the first section marker are read for the 期号 (2024年第9期, 总第120期) and the date
    /// (2024年9月15日, 2024-09-15): when either is found, the issue is not a sample (<c>sample: false</c>); when neither
    /// is, it is <c>sample: true</c>, as no 期号 or date is invented. <paramref name="overrides"/> win over the header.
    /// </remarks>
    public BulletinImportResult Import(string text, string path, IssueOverrides? overrides = null)
    {
        string? numberFound = null;
        DateOnly? date = null;
        int numberLine = 0, dateLine = 0;
        var lines = IssueParser.SplitLines(text).Select(Trim).ToList();
        var decisions = new List<ImportDecision>();
        var errors = new List<SourceError>();
        var sections = new List<SectionDraft>();
        SectionDraft? section = null;

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (line.Length == 0)
            {
                continue;
            }
            if (options.SectionMarkers.Contains(line[0]))
            {
                var title = Trim(line[1..]);
                if (title.Length == 0)
                {
                    errors.Add(new SourceError(path, number, Texts.Format("core.import.marker_no_title", line[0]),
                        Texts.Format("core.import.marker_no_title_hint", line[0])));
                }
                section = new SectionDraft(title, number);
                sections.Add(section);
                decisions.Add(new ImportDecision(number, ImportDecisionKind.Section, title));
                continue;
            }
            if (section is null)
            {
                var found = IssueNumbers.Find(line);
                if (found.Number is not null && numberLine == 0)
                {
                    (numberFound, numberLine) = (found.Number, number);
                    decisions.Add(new ImportDecision(number, ImportDecisionKind.Number, found.Number));
                }
                if (found.Date is not null && dateLine == 0)
                {
                    (date, dateLine) = (found.Date, number);
                    decisions.Add(new ImportDecision(number, ImportDecisionKind.Date, found.Date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                }
                if (found.Number is null && found.Date is null && options.IsMasthead(line))
                {
                    decisions.Add(new ImportDecision(number, ImportDecisionKind.Skipped, line));
                }
                else if (found.Number is null && found.Date is null)
                {
                    decisions.Add(new ImportDecision(number, ImportDecisionKind.Skipped, line, found.DateProblem is { } problem
                        ? Texts.Format("core.import.bad_date_line", problem)
                        : Texts.Format("core.import.before_first_marker", options.SectionMarkers[0])));
                }
                continue;
            }

            var decision = Decide(line, number, section, IsLastInSection(lines, i));
            decisions.Add(decision);
            switch (decision.Kind)
            {
                case ImportDecisionKind.Article:
                    section.Articles.Add(new ArticleDraft(line, number));
                    break;
                case ImportDecisionKind.Subheading:
                    section.Articles[^1].Blocks.Add(new Subheading(line, number));
                    break;
                default:
                    var paragraph = new Paragraph(line, InlineText.Encode(line), number);
                    if (section.Articles.Count > 0)
                    {
                        section.Articles[^1].Blocks.Add(paragraph);
                    }
                    else
                    {
                        section.Paragraphs.Add(paragraph);
                    }
                    break;
            }
        }

        if (sections.Count == 0 && errors.Count == 0)
        {
            errors.Add(new SourceError(path, 0, Texts.Format("core.import.no_marker", options.SectionMarkers),
                Texts.Format("core.import.no_marker_hint", options.SectionMarkers[0])));
        }
        if (errors.Count > 0)
        {
            return new BulletinImportResult(null, null, decisions, errors);
        }

        var header = new IssueHeader(numberFound, numberLine, date, dateLine);
        var anyFound = numberFound is not null || date is not null;
        var metadata = options.Metadata with
        {
            Number = numberFound ?? options.Metadata.Number,
            Date = date ?? options.Metadata.Date,
            IsSample = options.Metadata.IsSample && !anyFound,
        };
        var issue = new Issue((overrides ?? IssueOverrides.None).Apply(metadata), [.. sections.Select(s => s.Build())], path);
        var markdown = IssueMarkdownWriter.Write(issue,
            Texts.Format("core.import.markdown_note", Path.GetFileName(path)));
        return new BulletinImportResult(issue, markdown, decisions, errors) { Header = header };
    }

    private ImportDecision Decide(string line, int number, SectionDraft section, bool last)
    {
        var length = new StringInfo(line).LengthInTextElements;
        var ending = EndingOf(line);
        if (length > options.MaxHeadingLength || ending != '\0')
        {
            var doubt = ending == '\0'
                ? Texts.Get("core.import.too_long_for_heading")
                : ending is '？' or '?' or '！' or '!' && length <= options.MaxHeadingLength
                    ? Texts.Format("core.import.short_question", ending)
                    : null;
            return new ImportDecision(number, ImportDecisionKind.Paragraph, line, doubt);
        }

        var nothingFollows = last ? Texts.Get("core.import.nothing_follows") : null;
        if (section.Articles.Count == 0)
        {
            var doubt = nothingFollows
                ?? (length < options.ArticleTitleSureMinLength ? Texts.Format("core.import.first_heading_short", length) : null);
            return new ImportDecision(number, ImportDecisionKind.Article, line, doubt);
        }
        if (length >= options.ArticleTitleMinLength)
        {
            var doubt = nothingFollows
                ?? (length < options.ArticleTitleSureMinLength ? Texts.Format("core.import.between_lengths_article", length) : null);
            return new ImportDecision(number, ImportDecisionKind.Article, line, doubt);
        }
        var subDoubt = nothingFollows
            ?? (length > options.SubheadingSureMaxLength ? Texts.Format("core.import.between_lengths_subheading", length) : null);
        return new ImportDecision(number, ImportDecisionKind.Subheading, line, subDoubt);
    }

    /// <summary>The closing punctuation <paramref name="line"/> ends with (looking past closing quotes and brackets), or '\0'.</summary>
    private static char EndingOf(string line)
    {
        var end = line.Length - 1;
        while (end > 0 && ClosingBrackets.Contains(line[end]))
        {
            end--;
        }
        return ClosingPunctuation.Contains(line[end]) ? line[end] : '\0';
    }

    private bool IsLastInSection(List<string> lines, int index)
    {
        for (var i = index + 1; i < lines.Count; i++)
        {
            if (lines[i].Length > 0)
            {
                return options.SectionMarkers.Contains(lines[i][0]);
            }
        }
        return true;
    }

    private static string Trim(string line) => line.Trim(' ', '\t', '\u3000', '\u00A0', '\uFEFF', '\r', '\n');
}
