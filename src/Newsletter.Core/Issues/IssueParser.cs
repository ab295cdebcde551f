using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Pipe = Markdig.Extensions.Tables;
using Newsletter.Core.Audience;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Parses an issue written in Markdown with YAML front matter (the canonical issue format).
/// </summary>
/// <remarks>
/// <para>Structure: <c>##</c> opens a section (编者的话, 行业动态, …), <c>###</c> an article, <c>####</c> a subheading inside
/// an article; paragraphs are separated by blank lines. Paragraphs under a <c>##</c> before its first <c>###</c> belong
/// to the section itself (编者的话 has no articles).</para>
/// <para>Directives are HTML comments (invisible in any Markdown viewer) on the line right under a heading:
/// <c>&lt;!-- audiences: county, enterprise --&gt;</c> under a <c>##</c> restricts the section to those segments;
/// <c>&lt;!-- industries: 新材料, 智能装备 --&gt;</c> under a <c>###</c> tags the article (see <see cref="Industries"/>).
/// Other comments are ignored.</para>
/// <para>Tables are pipe tables inside an article: a header row, the <c>| --- |</c> delimiter row, then rows with as many
/// cells as the header (a ragged row is an error with its line). Cells take the same inline Markdown as paragraphs.</para>
/// <para>Inline Markdown allowed: <c>**strong**</c>, <c>*em*</c>, links to http, https and mailto addresses. Lists, quotes,
/// code blocks, images and raw HTML are reported as errors, as are headings out of order.</para>
/// <para>The parser checks syntax and structure; whether the metadata is complete and the names are known is
/// <see cref="IssueValidator"/>'s job.</para>
/// </remarks>
public sealed class IssueParser
{
    // CJK-friendly emphasis: in plain CommonMark **“重点”**与 is not bold, because the closing ** sits between punctuation and a letter.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseCjkFriendlyEmphasis().UsePipeTables().Build();

    private static readonly Regex Directive = new(@"^<!--\s*(?<key>[A-Za-z]+)\s*[:：]\s*(?<value>[^\r\n]*?)\s*-->$",
        RegexOptions.CultureInvariant);

    private static string StructureHint => Texts.Get("core.issue.structure_hint");

    /// <summary>
    /// Parses <paramref name="text"/> read from <paramref name="path"/> (used in error positions only).
    /// The issue is null whenever an error is reported: a source with mistakes is never half-used.
    /// </summary>
    public IssueParseResult Parse(string text, string path)
    {
        var lines = SplitLines(text);
        var frontMatter = FrontMatter.Read(lines, path);
        var errors = new List<SourceError>(frontMatter.Errors);
        if (frontMatter.Metadata is null && frontMatter.BodyStartLine == 0)
        {
            return new IssueParseResult(null, errors); // an unclosed front matter: where the body starts is unknown
        }

        // Blank the front matter rather than cut it, so Markdig's line numbers are the file's.
        var body = string.Join('\n', lines.Select((line, i) => i < frontMatter.BodyStartLine ? "" : line));
        var builder = new Builder(path, errors, lines);
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(body, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses input nested deeper than its limit (100 KB of `[`, a few hundred `>`) by throwing, without a position.
            var line = TooDeepLine(lines, frontMatter.BodyStartLine, lines.Count);
            errors.Add(new SourceError(path, line, Texts.Get("core.issue.nested_too_deep"),
                Texts.Format("core.issue.nested_too_deep_hint", StructureHint)));
            return new IssueParseResult(null, [.. errors.OrderBy(e => e.Line)]);
        }
        foreach (var block in document)
        {
            builder.Add(block);
        }

        if (frontMatter.Metadata is null || errors.Count > 0)
        {
            return new IssueParseResult(null, [.. errors.OrderBy(e => e.Line)]);
        }
        return new IssueParseResult(new Issue(frontMatter.Metadata, builder.Sections(), path), []);
    }

    /// <summary>
    /// The 1-based line where Markdig's depth limit trips, found by halving the lines [<paramref name="from"/>,
    /// <paramref name="to"/>) while one half alone still trips it: a few parses, whatever the file's size. When the
    /// nesting spans both halves, the first line of the range.
    /// </summary>
    private static int TooDeepLine(List<string> lines, int from, int to)
    {
        while (to - from > 1)
        {
            var middle = from + ((to - from) / 2);
            if (Trips(lines, from, middle))
            {
                to = middle;
            }
            else if (Trips(lines, middle, to))
            {
                from = middle;
            }
            else
            {
                break;
            }
        }
        return from + 1;

        static bool Trips(List<string> lines, int from, int to)
        {
            try
            {
                Markdown.Parse(string.Join('\n', lines.Skip(from).Take(to - from)), Pipeline);
                return false;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }
    }

    internal static List<string> SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        return [.. text.ReplaceLineEndings("\n").Split('\n')];
    }

    private sealed class Builder(string path, List<SourceError> errors, List<string> lines)
    {
        private readonly List<SectionBuilder> sections = [];
        private SectionBuilder? section;
        private ArticleBuilder? article;
        private Block? previous;
        private bool reportedOrphanText;
        private int articleCount;

        public IReadOnlyList<Section> Sections() => [.. sections.Select(s => s.Build())];

        public void Add(Block block)
        {
            var line = block.Line + 1;
            switch (block)
            {
                case HeadingBlock heading:
                    AddHeading(heading, line);
                    break;
                case ParagraphBlock paragraph:
                    AddParagraph(paragraph, line);
                    break;
                case HtmlBlock html:
                    AddHtml(html, line);
                    break;
                case Pipe.Table table:
                    AddTable(table, line);
                    break;
                case LinkReferenceDefinitionGroup or ThematicBreakBlock or BlankLineBlock:
                    break;
                case ListBlock:
                    Error(line, Texts.Get("core.issue.no_lists"), Texts.Get("core.issue.no_lists_hint"));
                    break;
                case QuoteBlock:
                    Error(line, Texts.Get("core.issue.no_quotes"), Texts.Get("core.issue.no_quotes_hint"));
                    break;
                case CodeBlock:
                    Error(line, Texts.Get("core.issue.no_code"), Texts.Get("core.issue.no_code_hint"));
                    break;
                default:
                    Error(line, Texts.Get("core.issue.unsupported_markdown"), Texts.Get("core.issue.unsupported_markdown_hint"));
                    break;
            }
            previous = block;
        }

        private void AddHeading(HeadingBlock heading, int line)
        {
            var (text, _) = Inline(heading.Inline, line);
            if (text.Length == 0)
            {
                Error(line, Texts.Get("core.issue.heading_empty"), Texts.Get("core.issue.heading_empty_hint"));
                return;
            }
            switch (heading.Level)
            {
                case 1:
                    Error(line, Texts.Format("core.issue.level1_heading", text), Texts.Format("core.issue.level1_heading_hint", StructureHint));
                    break;
                case 2 when sections.Count >= InputLimits.MaxIssueSections:
                    if (sections.Count == InputLimits.MaxIssueSections)
                    {
                        Error(line, Texts.Format("core.issue.too_many_sections", InputLimits.MaxIssueSections), Texts.Get("core.issue.too_many_sections_hint"));
                        sections.Add(new SectionBuilder(text, line)); // counted once, never built: the issue is rejected
                    }
                    break;
                case 2:
                    section = new SectionBuilder(text, line);
                    sections.Add(section);
                    article = null;
                    break;
                case 3 when section is null:
                    reportedOrphanText = true; // its text would be reported again as text outside a section
                    Error(line, Texts.Format("core.issue.article_before_section", text), StructureHint);
                    break;
                case 3 when ++articleCount > InputLimits.MaxIssueArticles:
                    if (articleCount == InputLimits.MaxIssueArticles + 1)
                    {
                        Error(line, Texts.Format("core.issue.too_many_articles", InputLimits.MaxIssueArticles), Texts.Get("core.issue.split_file"));
                    }
                    break;
                case 3:
                    article = new ArticleBuilder(text, line);
                    section.Articles.Add(article);
                    break;
                case 4 when article is null:
                    Error(line, Texts.Format("core.issue.subheading_outside_article", text), StructureHint);
                    break;
                case 4:
                    article.Blocks.Add(new Subheading(text, line));
                    break;
                default:
                    Error(line, Texts.Format("core.issue.heading_too_deep", heading.Level), StructureHint);
                    break;
            }
        }

        private void AddParagraph(ParagraphBlock block, int line)
        {
            var (text, html) = Inline(block.Inline, line);
            if (text.Length == 0)
            {
                return;
            }
            var paragraph = new Paragraph(text, html, line);
            if (article is not null)
            {
                article.Blocks.Add(paragraph);
            }
            else if (section is not null)
            {
                section.Paragraphs.Add(paragraph);
            }
            else if (!reportedOrphanText)
            {
                reportedOrphanText = true;
                Error(line, Texts.Get("core.issue.text_before_section"), Texts.Get("core.issue.text_before_section_hint"));
            }
        }

        private void AddTable(Pipe.Table table, int line)
        {
            var rows = table.OfType<Pipe.TableRow>().ToList();
            if (article is null)
            {
                Error(line, Texts.Get("core.issue.table_outside_article"), Texts.Get("core.issue.table_outside_article_hint"));
                return;
            }
            if (rows.Count == 0 || !rows[0].IsHeader)
            {
                Error(line, Texts.Get("core.issue.table_no_header"), Texts.Get("core.issue.table_no_header_hint"));
                return;
            }
            var columns = CellCount(lines[rows[0].Line]);
            var header = Cells(rows[0]).Take(columns).ToList();
            var body = new List<IReadOnlyList<TableCell>>();
            foreach (var row in rows.Skip(1))
            {
                // Markdig pads short rows and cuts long ones: the cells are counted on the row's own line.
                var count = CellCount(lines[row.Line]);
                if (count != header.Count)
                {
                    Error(row.Line + 1, Texts.Format("core.issue.table_ragged", count, header.Count), Texts.Format("core.issue.table_ragged_hint", header.Count));
                    continue;
                }
                body.Add([.. Cells(row).Take(columns)]);
            }
            if (header.All(c => c.Text.Length == 0))
            {
                Error(line, Texts.Get("core.issue.table_header_empty"), Texts.Get("core.issue.table_header_empty_hint"));
                return;
            }
            article.Blocks.Add(new Table(header, body, line));
        }

        /// <summary>The cells of a pipe-table row as written: unescaped | separate them, outer ones optional.</summary>
        private static int CellCount(string line)
        {
            var row = line.Trim();
            var pipes = new List<int>();
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] == '\\')
                {
                    i++;
                }
                else if (row[i] == '|')
                {
                    pipes.Add(i);
                }
            }
            var count = pipes.Count + 1;
            if (pipes.Count > 0 && pipes[0] == 0)
            {
                count--;
            }
            if (pipes.Count > 0 && pipes[^1] == row.Length - 1 && row.Length > 1)
            {
                count--;
            }
            return count;
        }

        private List<TableCell> Cells(Pipe.TableRow row) =>
            [.. row.OfType<Pipe.TableCell>().Select(cell =>
            {
                var (text, html) = Inline(cell.OfType<ParagraphBlock>().FirstOrDefault()?.Inline, row.Line + 1);
                return new TableCell(text, html);
            })];

        private void AddHtml(HtmlBlock block, int line)
        {
            var raw = block.Lines.ToString().Trim();
            if (!raw.StartsWith("<!--", StringComparison.Ordinal))
            {
                Error(line, Texts.Get("core.issue.raw_html_block"), Texts.Get("core.issue.raw_html_block_hint"));
                return;
            }
            var match = Directive.Match(raw);
            if (!match.Success)
            {
                return; // an ordinary comment: a note to the editors
            }
            var key = match.Groups["key"].Value.ToLowerInvariant();
            var values = ListSyntax.Split(match.Groups["value"].Value);
            var underHeading = previous is HeadingBlock heading ? heading.Level : 0;
            switch (key)
            {
                case "audiences" when underHeading == 2 && section is not null && section.AudiencesLine is null:
                    section.Audiences.AddRange(values);
                    section.AudiencesLine = line;
                    break;
                case "audiences":
                    Error(line, Texts.Get("core.issue.audiences_directive_misplaced"), Texts.Get("core.issue.audiences_directive_misplaced_hint"));
                    break;
                case "industries" when underHeading == 3 && article is not null && article.IndustriesLine is null:
                    article.Industries.AddRange(values);
                    article.IndustriesLine = line;
                    break;
                case "industries":
                    Error(line, Texts.Get("core.issue.industries_directive_misplaced"), Texts.Get("core.issue.industries_directive_misplaced_hint"));
                    break;
                default:
                    break; // `<!-- note: … -->` and the like are comments too
            }
        }

        private (string Text, string Html) Inline(Markdig.Syntax.Inlines.ContainerInline? inline, int line)
        {
            var problems = new List<string>();
            var result = InlineText.Render(inline, problems);
            foreach (var problem in problems)
            {
                Error(line, problem, Texts.Get("core.issue.inline_hint"));
            }
            return result;
        }

        private void Error(int line, string message, string? hint) => errors.Add(new SourceError(path, line, message, hint));
    }

    private sealed class SectionBuilder(string title, int line)
    {
        public List<Paragraph> Paragraphs { get; } = [];
        public List<ArticleBuilder> Articles { get; } = [];
        public List<string> Audiences { get; } = [];
        public int? AudiencesLine { get; set; }

        public Section Build() =>
            new(title, [.. Paragraphs], [.. Articles.Select(a => a.Build())], [.. Audiences], line) { AudiencesLine = AudiencesLine };
    }

    private sealed class ArticleBuilder(string title, int line)
    {
        public List<ArticleBlock> Blocks { get; } = [];
        public List<string> Industries { get; } = [];
        public int? IndustriesLine { get; set; }

        public Article Build() => new(title, [.. Blocks], [.. Industries], line) { IndustriesLine = IndustriesLine };
    }
}
