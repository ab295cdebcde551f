using System.Globalization;
using Newsletter.Core.Localization;
using System.IO.Packaging;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Word = DocumentFormat.OpenXml.Wordprocessing;

namespace Newsletter.Core.Issues;

/// <summary>How <see cref="BulletinWordImporter"/> read a Word document.</summary>
public enum BulletinImportMode
{
    /// <summary>A plain-text bulletin (<see cref="BulletinTextImporter"/>).</summary>
    Text,

    /// <summary>A Word document whose heading styles (Heading 1/2/3, 标题 1/2/3) give the sections, articles and subheadings.</summary>
    WordHeadings,

    /// <summary>A Word document without heading styles: its paragraphs read by the plain-text rules (● section markers, heading lengths).</summary>
    WordParagraphs,
}

/// <summary>
/// Converts a Word bulletin (<c>.docx</c>, Word 2007 or later, WPS) into an <see cref="Issue"/> and its Markdown.
/// </summary>
/// <remarks>
/// <para>Positions ("line" in decisions and errors) are paragraph numbers: every paragraph of the body counts one,
/// every row of a table counts one, in reading order.</para>
/// <para>When a paragraph has a heading style (resolved through the styles part, so the Chinese built-in names
/// 标题 1/2/3 and localised style ids work too) or an outline level, the highest heading level used opens sections,
/// the next one articles, the next one subheadings. When no paragraph has one, the paragraphs are read as lines of the
/// plain-text bulletin by <see cref="BulletinTextImporter"/>'s rules. Either way the 期号 and date come from the lines
/// above the first section.</para>
/// <para>Bold, italic and hyperlinks (http, https, mailto) are kept. A table of at least two rows and two columns inside
/// an article becomes a <see cref="Table"/> whose first row is the header (merged cells padded with empty ones). A
/// one-row or one-column table (a framed box of text), or a table outside an article, becomes one paragraph per row,
/// cells separated by ｜, reported as a decision to check. Images are not carried: each one is reported as dropped,
/// with its paragraph number.</para>
/// </remarks>
public sealed class BulletinWordImporter(BulletinImportOptions? options = null)
{
    /// <summary>Separates the cells of a table row written as a paragraph.</summary>
    public const string CellSeparator = " ｜ ";

    private readonly BulletinImportOptions options = options ?? BulletinImportOptions.Default;

    /// <summary>Imports the Word document <paramref name="bytes"/> read from <paramref name="path"/>.</summary>
    public BulletinImportResult Import(ReadOnlySpan<byte> bytes, string path, IssueOverrides? overrides = null)
    {
        if (IsWord97(bytes))
        {
            return Failed(path, Texts.Get("core.import.word97"), Texts.Get("core.import.word97_hint"));
        }
        List<WordItem> items;
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var document = WordprocessingDocument.Open(stream, false,
                new OpenSettings { MaxCharactersInPart = InputLimits.MaxUploadBytes * 4L });
            var main = document.MainDocumentPart;
            if (main?.Document?.Body is not { } body)
            {
                return Failed(path, Texts.Get("core.import.no_body"), Texts.Get("core.import.no_body_hint"));
            }
            items = new WordBodyReader(main).Read(body);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException
            or System.Xml.XmlException or InvalidOperationException)
        {
            return Failed(path, Texts.Get("core.import.not_docx"), Texts.Get("core.import.not_docx_hint"));
        }

        if (!items.Any(i => i.Text.Length > 0))
        {
            return Failed(path, Texts.Get("core.import.no_text"), Texts.Get("core.import.no_text_hint"));
        }
        return items.Any(i => i.HeadingLevel > 0)
            ? ImportByHeadings(items, path, overrides)
            : ImportByParagraphs(items, path, overrides);
    }

    private static BulletinImportResult Failed(string path, string message, string hint) =>
        new(null, null, [], [new SourceError(path, 0, message, hint)]);

    /// <summary>True for the OLE compound file header of Word 97–2003 (and other legacy Office files).</summary>
    internal static bool IsWord97(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 8 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);

    private BulletinImportResult ImportByHeadings(List<WordItem> items, string path, IssueOverrides? overrides)
    {
        var levels = items.Where(i => i.HeadingLevel > 0).Select(i => i.HeadingLevel).Distinct().Order().ToList();
        int Rank(int level) => levels.IndexOf(level); // 0 section, 1 article, 2+ subheading
        var decisions = new List<ImportDecision>();
        var tables = new WordTables(items);
        var sections = new List<SectionDraft>();
        SectionDraft? section = null;
        string? numberFound = null;
        DateOnly? date = null;
        int numberLine = 0, dateLine = 0;

        foreach (var item in items)
        {
            AddNotes(item, decisions);
            var text = item.HeadingLevel > 0 ? StripMarker(item.Text) : item.Text;
            if (text.Length == 0)
            {
                continue;
            }
            var rank = item.HeadingLevel > 0 ? Rank(item.HeadingLevel) : -1;
            if (rank == 0)
            {
                section = new SectionDraft(text, item.Number);
                sections.Add(section);
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Section, text));
                continue;
            }
            if (section is null)
            {
                var found = IssueNumbers.Find(text);
                if (found.Number is not null && numberLine == 0)
                {
                    (numberFound, numberLine) = (found.Number, item.Number);
                    decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Number, found.Number));
                }
                if (found.Date is not null && dateLine == 0)
                {
                    (date, dateLine) = (found.Date, item.Number);
                    decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Date, found.Date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                }
                if (found.Number is null && found.Date is null)
                {
                    decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Skipped, text, found.DateProblem is { } problem
                        ? Texts.Format("core.import.bad_date_paragraph", problem)
                        : options.IsMasthead(text) ? null : Texts.Format("core.import.before_first_heading", item.StyleName ?? Texts.Format("core.import.heading_level", levels[0]))));
                }
                continue;
            }
            if (rank == 1 || (rank >= 2 && section.Articles.Count == 0))
            {
                section.Articles.Add(new ArticleDraft(text, item.Number));
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Article, text, rank >= 2
                    ? Texts.Format("core.import.no_article_above", item.StyleName)
                    : null));
                continue;
            }
            if (rank >= 2)
            {
                section.Articles[^1].Blocks.Add(new Subheading(text, item.Number));
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Subheading, text, rank > 2
                    ? Texts.Format("core.import.deeper_than_subheading", item.StyleName, levels[2])
                    : null));
                continue;
            }
            if (item.Row is { } row && section.Articles.Count > 0 && tables.Of(row) is { } table)
            {
                if (table.Line == item.Number)
                {
                    section.Articles[^1].Blocks.Add(table);
                    decisions.Add(WordTables.Decision(table));
                }
                continue; // the table's other rows are in it
            }
            var paragraph = new Paragraph(text, item.Html, item.Number);
            if (section.Articles.Count > 0)
            {
                section.Articles[^1].Blocks.Add(paragraph);
            }
            else
            {
                section.Paragraphs.Add(paragraph);
            }
            decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Paragraph, text, tables.RowNote(item, section.Articles.Count > 0)));
        }

        var header = new IssueHeader(numberFound, numberLine, date, dateLine);
        var metadata = options.Metadata with
        {
            Number = numberFound ?? options.Metadata.Number,
            Date = date ?? options.Metadata.Date,
            IsSample = options.Metadata.IsSample && numberFound is null && date is null,
        };
        var issue = new Issue((overrides ?? IssueOverrides.None).Apply(metadata), [.. sections.Select(s => s.Build())], path);
        var names = string.Join(", ", levels.Take(3).Select((l, i) =>
            $"{items.First(x => x.HeadingLevel == l).StyleName} → {Texts.Get(i == 0 ? "core.import.kind.section" : i == 1 ? "core.import.kind.article" : "core.import.kind.subheading")}"));
        return new BulletinImportResult(issue, Markdown(issue, path), decisions, [])
        {
            Header = header,
            Mode = BulletinImportMode.WordHeadings,
            ModeDescription = Texts.Format("core.import.mode_headings", names),
        };
    }

    private BulletinImportResult ImportByParagraphs(List<WordItem> items, string path, IssueOverrides? overrides)
    {
        // One line per paragraph, so the text importer's line numbers are paragraph numbers. Table rows are blank
        // lines for it (a short row would read as a heading) and are put back after its decisions.
        var text = string.Join('\n', items.Select(i => i.IsTableRow ? "" : i.Text));
        var imported = new BulletinTextImporter(options).Import(text, path, overrides);
        var decisions = new List<ImportDecision>(imported.Decisions);
        var tables = new WordTables(items);
        var rows = items.Where(i => i.IsTableRow && i.Text.Length > 0).ToList();
        foreach (var item in items)
        {
            AddNotes(item, decisions);
        }
        var description = Texts.Format("core.import.mode_paragraphs", options.SectionMarkers);
        if (imported.Issue is null)
        {
            decisions.AddRange(rows.Select(r => new ImportDecision(r.Number, ImportDecisionKind.Paragraph, r.Text, tables.RowNote(r, false))));
            return imported with { Decisions = [.. decisions.OrderBy(d => d.Line)], Mode = BulletinImportMode.WordParagraphs, ModeDescription = description };
        }

        var byNumber = items.ToDictionary(i => i.Number);
        var sections = imported.Issue.Sections;
        var placed = new HashSet<int>();
        var rebuilt = new List<Section>();
        for (var s = 0; s < sections.Count; s++)
        {
            var section = sections[s];
            var end = s + 1 < sections.Count ? sections[s + 1].Line : int.MaxValue;
            var mine = rows.Where(r => r.Number > section.Line && r.Number < end).ToList();
            var firstArticle = section.Articles.Count > 0 ? section.Articles[0].Line : int.MaxValue;
            var paragraphs = section.Paragraphs.Select(p => Rich(p, byNumber))
                .Concat(mine.Where(r => r.Number < firstArticle).Select(r => RowParagraph(r, false)))
                .OrderBy(p => p.Line).ToList();
            var articles = new List<Article>();
            for (var a = 0; a < section.Articles.Count; a++)
            {
                var article = section.Articles[a];
                var articleEnd = a + 1 < section.Articles.Count ? section.Articles[a + 1].Line : end;
                var blocks = article.Blocks.Select(b => b is Paragraph p ? Rich(p, byNumber) : b)
                    .Concat(mine.Where(r => r.Number > article.Line && r.Number < articleEnd).SelectMany(r => RowBlocks(r)))
                    .OrderBy(b => b.Line).ToList();
                articles.Add(article with { Blocks = blocks });
            }
            rebuilt.Add(section with { Paragraphs = paragraphs, Articles = articles });
        }
        decisions.AddRange(rows.Where(r => !placed.Contains(r.Number)).Select(r =>
            new ImportDecision(r.Number, ImportDecisionKind.Skipped, r.Text, Texts.Get("core.import.table_row_before_section"))));
        var issue = imported.Issue with { Sections = rebuilt };
        return imported with
        {
            Issue = issue,
            Markdown = Markdown(issue, path),
            Decisions = [.. decisions.OrderBy(d => d.Line)],
            Mode = BulletinImportMode.WordParagraphs,
            ModeDescription = description,
        };

        Paragraph RowParagraph(WordItem row, bool inArticle)
        {
            placed.Add(row.Number);
            decisions.Add(new ImportDecision(row.Number, ImportDecisionKind.Paragraph, row.Text, tables.RowNote(row, inArticle)));
            return new Paragraph(row.Text, row.Html, row.Number);
        }

        IEnumerable<ArticleBlock> RowBlocks(WordItem row)
        {
            if (tables.Of(row.Row!) is not { } table)
            {
                return [RowParagraph(row, true)];
            }
            placed.Add(row.Number);
            if (table.Line != row.Number)
            {
                return [];
            }
            decisions.Add(WordTables.Decision(table));
            return [table];
        }
    }

    /// <summary><paramref name="paragraph"/> with the bold, italic and links of its Word paragraph.</summary>
    private static Paragraph Rich(Paragraph paragraph, Dictionary<int, WordItem> items) =>
        items.TryGetValue(paragraph.Line, out var item) && item.Text == paragraph.Text ? paragraph with { Html = item.Html } : paragraph;

    private static void AddNotes(WordItem item, List<ImportDecision> decisions)
    {
        foreach (var image in item.Images)
        {
            decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Image, image,
                Texts.Get("core.import.image_dropped")));
        }
    }

    private static string Markdown(Issue issue, string path) => IssueMarkdownWriter.Write(issue,
        Texts.Format("core.import.markdown_note", Path.GetFileName(path)));

    private string StripMarker(string text) =>
        text.Length > 0 && options.SectionMarkers.Contains(text[0]) ? text[1..].Trim(' ', '\u3000', '\t') : text;


}
