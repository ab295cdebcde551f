using System.Globalization;
using System.IO.Packaging;
using System.Text;
using System.Text.RegularExpressions;
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
/// <para>Bold, italic and hyperlinks (http, https, mailto) are kept. A table becomes one paragraph per row, cells
/// separated by ｜ (the email has no table block yet), reported as a decision to check. Images are not carried: each one
/// is reported as dropped, with its paragraph number.</para>
/// </remarks>
public sealed partial class BulletinWordImporter(BulletinImportOptions? options = null)
{
    /// <summary>Separates the cells of a table row written as a paragraph.</summary>
    public const string CellSeparator = " ｜ ";

    private static readonly string[] LinkSchemes = ["http", "https", "mailto"];

    private readonly BulletinImportOptions options = options ?? BulletinImportOptions.Default;

    /// <summary>Imports the Word document <paramref name="bytes"/> read from <paramref name="path"/>.</summary>
    public BulletinImportResult Import(ReadOnlySpan<byte> bytes, string path, IssueOverrides? overrides = null)
    {
        if (IsWord97(bytes))
        {
            return Failed(path, "this is a Word 97–2003 document (.doc), which cannot be read",
                "open it in Word or WPS and save it as .docx (文件 → 另存为 → Word 文档 *.docx)");
        }
        List<Item> items;
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var document = WordprocessingDocument.Open(stream, false,
                new OpenSettings { MaxCharactersInPart = InputLimits.MaxUploadBytes * 4L });
            var main = document.MainDocumentPart;
            if (main?.Document?.Body is not { } body)
            {
                return Failed(path, "the file is a package but has no Word document body", "save it from Word or WPS as .docx");
            }
            items = new Reader(main).Read(body);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException
            or System.Xml.XmlException or InvalidOperationException)
        {
            return Failed(path, "this is not a Word document (.docx) or it is damaged",
                "open it in Word or WPS and save it again as .docx, or import the bulletin as text (.txt)");
        }

        if (!items.Any(i => i.Text.Length > 0))
        {
            return Failed(path, "the Word document has no text", "check that this is the bulletin");
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

    private BulletinImportResult ImportByHeadings(List<Item> items, string path, IssueOverrides? overrides)
    {
        var levels = items.Where(i => i.HeadingLevel > 0).Select(i => i.HeadingLevel).Distinct().Order().ToList();
        int Rank(int level) => levels.IndexOf(level); // 0 section, 1 article, 2+ subheading
        var decisions = new List<ImportDecision>();
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
                        ? problem + "; no date taken from it: fix the paragraph or give --date"
                        : IsMasthead(text) ? null : $"text before the first section heading ({item.StyleName ?? "heading " + levels[0]}) is left out"));
                }
                continue;
            }
            if (rank == 1 || (rank >= 2 && section.Articles.Count == 0))
            {
                section.Articles.Add(new ArticleDraft(text, item.Number));
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Article, text, rank >= 2
                    ? $"{item.StyleName} with no article heading above it: read as an article title"
                    : null));
                continue;
            }
            if (rank >= 2)
            {
                section.Articles[^1].Blocks.Add(new Subheading(text, item.Number));
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Subheading, text, rank > 2
                    ? $"{item.StyleName} is deeper than the subheading level ({levels[2]}): read as a subheading"
                    : null));
                continue;
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
            decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Paragraph, text, item.TableNote));
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
            $"{items.First(x => x.HeadingLevel == l).StyleName} → {(i == 0 ? "section" : i == 1 ? "article" : "subheading")}"));
        return new BulletinImportResult(issue, Markdown(issue, path), decisions, [])
        {
            Header = header,
            Mode = BulletinImportMode.WordHeadings,
            ModeDescription = "Word heading styles: " + names,
        };
    }

    private BulletinImportResult ImportByParagraphs(List<Item> items, string path, IssueOverrides? overrides)
    {
        // One line per paragraph, so the text importer's line numbers are paragraph numbers. Table rows are blank
        // lines for it (a short row would read as a heading) and are put back after its decisions.
        var text = string.Join('\n', items.Select(i => i.IsTableRow ? "" : i.Text));
        var imported = new BulletinTextImporter(options).Import(text, path, overrides);
        var decisions = new List<ImportDecision>(imported.Decisions);
        foreach (var item in items)
        {
            AddNotes(item, decisions);
            if (item.IsTableRow && item.Text.Length > 0)
            {
                decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Paragraph, item.Text, item.TableNote));
            }
        }
        decisions = [.. decisions.OrderBy(d => d.Line)];
        var description = $"no heading styles: paragraphs read as the plain-text bulletin (lines starting with {options.SectionMarkers} open sections)";
        if (imported.Issue is null)
        {
            return imported with { Decisions = decisions, Mode = BulletinImportMode.WordParagraphs, ModeDescription = description };
        }

        var byNumber = items.ToDictionary(i => i.Number);
        var rows = items.Where(i => i.IsTableRow && i.Text.Length > 0).ToList();
        var sections = imported.Issue.Sections;
        var rebuilt = new List<Section>();
        for (var s = 0; s < sections.Count; s++)
        {
            var section = sections[s];
            var end = s + 1 < sections.Count ? sections[s + 1].Line : int.MaxValue;
            var mine = rows.Where(r => r.Number > section.Line && r.Number < end).ToList();
            var firstArticle = section.Articles.Count > 0 ? section.Articles[0].Line : int.MaxValue;
            var paragraphs = section.Paragraphs.Select(p => Rich(p, byNumber))
                .Concat(mine.Where(r => r.Number < firstArticle).Select(r => new Paragraph(r.Text, r.Html, r.Number)))
                .OrderBy(p => p.Line).ToList();
            var articles = new List<Article>();
            for (var a = 0; a < section.Articles.Count; a++)
            {
                var article = section.Articles[a];
                var articleEnd = a + 1 < section.Articles.Count ? section.Articles[a + 1].Line : end;
                var blocks = article.Blocks.Select(b => b is Paragraph p ? Rich(p, byNumber) : b)
                    .Concat(mine.Where(r => r.Number > article.Line && r.Number < articleEnd).Select(r => new Paragraph(r.Text, r.Html, r.Number)))
                    .OrderBy(b => b.Line).ToList();
                articles.Add(article with { Blocks = blocks });
            }
            rebuilt.Add(section with { Paragraphs = paragraphs, Articles = articles });
        }
        var issue = imported.Issue with { Sections = rebuilt };
        return imported with
        {
            Issue = issue,
            Markdown = Markdown(issue, path),
            Decisions = decisions,
            Mode = BulletinImportMode.WordParagraphs,
            ModeDescription = description,
        };
    }

    /// <summary><paramref name="paragraph"/> with the bold, italic and links of its Word paragraph.</summary>
    private static Paragraph Rich(Paragraph paragraph, Dictionary<int, Item> items) =>
        items.TryGetValue(paragraph.Line, out var item) && item.Text == paragraph.Text ? paragraph with { Html = item.Html } : paragraph;

    private static void AddNotes(Item item, List<ImportDecision> decisions)
    {
        foreach (var image in item.Images)
        {
            decisions.Add(new ImportDecision(item.Number, ImportDecisionKind.Image, image,
                "image dropped: images are not carried into the email; put it on the web and link it, or describe it in words"));
        }
    }

    private static string Markdown(Issue issue, string path) => IssueMarkdownWriter.Write(issue,
        $"Imported from {Path.GetFileName(path)} by `newsletter issue import`: review the headings before sending.");

    private string StripMarker(string text) =>
        text.Length > 0 && options.SectionMarkers.Contains(text[0]) ? text[1..].Trim(' ', '\u3000', '\t') : text;

    private bool IsMasthead(string line)
    {
        var bare = line.Trim('《', '》', ' ', '\u3000');
        return bare == options.Metadata.Title || (options.Metadata.Publisher is { } publisher && bare.StartsWith(publisher, StringComparison.Ordinal) && bare.Length <= publisher.Length + 4);
    }

    [GeneratedRegex(@"^(?:heading|标题)\s*(?<level>[1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingName();

    /// <summary>One paragraph or table row of the document.</summary>
    private sealed record Item(int Number, string Text, string Html, int HeadingLevel, string? StyleName, bool IsTableRow,
        string? TableNote, IReadOnlyList<string> Images);

    /// <summary>Walks the body in reading order.</summary>
    private sealed class Reader(MainDocumentPart main)
    {
        private readonly List<Item> items = [];
        private readonly Dictionary<string, (string Name, int Outline)> styles = ReadStyles(main);

        public List<Item> Read(Word.Body body)
        {
            Blocks(body);
            return items;
        }

        private void Blocks(OpenXmlElement container)
        {
            foreach (var element in container.ChildElements)
            {
                switch (element)
                {
                    case Word.Paragraph paragraph:
                        AddParagraph(paragraph);
                        break;
                    case Word.Table table:
                        AddTable(table);
                        break;
                    case Word.SdtBlock or Word.CustomXmlBlock:
                        Blocks(element is Word.SdtBlock sdt && sdt.SdtContentBlock is { } content ? content : element);
                        break;
                    default:
                        break; // section properties, bookmarks
                }
            }
        }

        private void AddParagraph(Word.Paragraph paragraph)
        {
            var (text, html, images) = Inline(paragraph);
            var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            var (name, outline) = styleId is not null && styles.TryGetValue(styleId, out var style) ? style : (styleId, 0);
            var level = name is not null && HeadingName().Match(name) is { Success: true } m ? int.Parse(m.Groups["level"].Value, CultureInfo.InvariantCulture) : 0;
            if (level == 0 && paragraph.ParagraphProperties?.OutlineLevel?.Val?.Value is { } direct && direct < 9)
            {
                (level, name) = (direct + 1, $"outline level {direct + 1}");
            }
            else if (level == 0 && outline > 0)
            {
                level = outline;
            }
            items.Add(new Item(items.Count + 1, text, html, text.Length > 0 ? level : 0, name, false, null, images));
        }

        private void AddTable(Word.Table table)
        {
            var rows = table.Elements<Word.TableRow>().ToList();
            var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Elements<Word.TableCell>().Count());
            for (var r = 0; r < rows.Count; r++)
            {
                var cells = rows[r].Elements<Word.TableCell>().Select(cell =>
                {
                    var parts = cell.Descendants<Word.Paragraph>().Select(Inline).ToList();
                    return (Text: string.Join(" ", parts.Where(p => p.Text.Length > 0).Select(p => p.Text)),
                        Html: string.Join(" ", parts.Where(p => p.Text.Length > 0).Select(p => p.Html)),
                        Images: parts.SelectMany(p => p.Images).ToList());
                }).ToList();
                var text = string.Join(CellSeparator, cells.Select(c => c.Text));
                var html = string.Join(InlineText.Encode(CellSeparator), cells.Select(c => c.Html));
                var note = r == 0
                    ? $"a Word table of {rows.Count} rows × {columns} columns: written as one paragraph per row, cells separated by ｜ (the email has no tables); check it reads well"
                    : null;
                items.Add(new Item(items.Count + 1, cells.All(c => c.Text.Length == 0) ? "" : text, html, 0, null, true, note,
                    [.. cells.SelectMany(c => c.Images)]));
            }
        }

        /// <summary>The plain text (links as "text (url)"), the safe inline HTML and the images of <paramref name="paragraph"/>.</summary>
        private (string Text, string Html, List<string> Images) Inline(Word.Paragraph paragraph)
        {
            var spans = new List<Span>();
            var images = new List<string>();
            foreach (var child in paragraph.ChildElements)
            {
                Collect(child, null, spans, images);
            }
            return (Plain(spans), Html(spans), images);
        }

        private void Collect(OpenXmlElement element, string? link, List<Span> spans, List<string> images)
        {
            switch (element)
            {
                case Word.Run run:
                    var properties = run.RunProperties;
                    var bold = properties?.Bold is not null && On(properties.Bold.Val);
                    var italic = properties?.Italic is not null && On(properties.Italic.Val);
                    foreach (var part in run.ChildElements)
                    {
                        var value = part switch
                        {
                            Word.Text t => t.Text,
                            Word.TabChar => " ",
                            Word.Break or Word.CarriageReturn => "\n",
                            Word.NoBreakHyphen => "-",
                            _ => null,
                        };
                        if (value is not null)
                        {
                            spans.Add(new Span(value, bold, italic, link));
                        }
                        else if (part is Word.Drawing or Word.Picture or Word.EmbeddedObject)
                        {
                            images.Add(ImageName(part));
                        }
                    }
                    break;
                case Word.Hyperlink hyperlink:
                    var url = hyperlink.Id?.Value is { } id
                        ? main.HyperlinkRelationships.FirstOrDefault(h => h.Id == id)?.Uri.OriginalString
                        : null;
                    var safe = url is not null && url.IndexOf(':') is > 0 and var colon && LinkSchemes.Contains(url[..colon].ToLowerInvariant()) ? url : null;
                    foreach (var child in hyperlink.ChildElements)
                    {
                        Collect(child, safe ?? link, spans, images);
                    }
                    break;
                case Word.SimpleField or Word.SdtRun or Word.InsertedRun or Word.CustomXmlRun:
                    var inner = element is Word.SdtRun sdt && sdt.SdtContentRun is { } content ? content : element;
                    foreach (var child in inner.ChildElements)
                    {
                        Collect(child, link, spans, images);
                    }
                    break;
                default:
                    break; // deleted runs, bookmarks, proofing marks, paragraph properties
            }
        }

        private static bool On(OnOffValue? value) => value is null || value.Value;

        private static string ImageName(OpenXmlElement part)
        {
            var properties = part.Descendants<DocumentFormat.OpenXml.Drawing.Wordprocessing.DocProperties>().FirstOrDefault();
            var name = properties?.Description?.Value is { Length: > 0 } description ? description : properties?.Name?.Value;
            var kind = part is Word.EmbeddedObject ? "embedded object" : "image";
            return name is { Length: > 0 } ? $"{kind} '{name}'" : kind;
        }

        private static string Plain(List<Span> spans)
        {
            var text = new StringBuilder();
            foreach (var group in Groups(spans))
            {
                var value = Join(group.Text);
                var shown = group.Link?.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) == true ? group.Link[7..] : group.Link;
                text.Append(shown is null || value.Trim() == shown || value.Trim().Length == 0 ? (shown ?? value) : $"{value} ({shown})");
            }
            return Trim(text.ToString());
        }

        private static string Html(List<Span> spans)
        {
            var html = new StringBuilder();
            foreach (var group in Groups(spans))
            {
                var value = Join(group.Text);
                // Spaces go outside the tags: "** 重点**" is not bold in Markdown.
                var lead = value.Length - value.TrimStart().Length;
                var trail = value.Length - value.TrimEnd().Length;
                var core = value.Trim();
                if (core.Length == 0 && group.Link is null)
                {
                    html.Append(InlineText.Encode(value));
                    continue;
                }
                html.Append(InlineText.Encode(value[..lead]));
                var shown = core.Length > 0 ? core
                    : group.Link!.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? group.Link[7..] : group.Link;
                var inner = InlineText.Encode(shown);
                if (group.Italic)
                {
                    inner = $"<em>{inner}</em>";
                }
                if (group.Bold)
                {
                    inner = $"<strong>{inner}</strong>";
                }
                if (group.Link is not null)
                {
                    inner = $"<a href=\"{InlineText.Encode(group.Link)}\">{inner}</a>";
                }
                html.Append(inner).Append(InlineText.Encode(value[(value.Length - trail)..]));
            }
            return Trim(html.ToString());
        }

        /// <summary>Adjacent spans of the same formatting merged (Word splits runs at every edit).</summary>
        private static List<Span> Groups(List<Span> spans)
        {
            var groups = new List<Span>();
            foreach (var span in spans)
            {
                if (groups.Count > 0 && groups[^1] is var last && last.Bold == span.Bold && last.Italic == span.Italic && last.Link == span.Link)
                {
                    groups[^1] = last with { Text = last.Text + span.Text };
                }
                else
                {
                    groups.Add(span);
                }
            }
            return groups;
        }

        /// <summary>A line break inside a paragraph: nothing between CJK characters, a space elsewhere.</summary>
        private static string Join(string text)
        {
            if (!text.Contains('\n'))
            {
                return text;
            }
            var joined = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] != '\n')
                {
                    joined.Append(text[i]);
                    continue;
                }
                var before = joined.Length > 0 ? joined[^1] : ' ';
                var after = i + 1 < text.Length ? text[i + 1] : ' ';
                if (before < 0x2E80 && after < 0x2E80 && before != ' ' && after != ' ')
                {
                    joined.Append(' ');
                }
            }
            return joined.ToString();
        }

        private static string Trim(string text) => text.Trim(' ', '\t', '\u3000', '\u00A0', '\uFEFF', '\r', '\n');

        private static Dictionary<string, (string Name, int Outline)> ReadStyles(MainDocumentPart main)
        {
            var result = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
            var styles = main.StyleDefinitionsPart?.Styles ?? main.StylesWithEffectsPart?.Styles;
            if (styles is null)
            {
                return result;
            }
            foreach (var style in styles.Elements<Word.Style>())
            {
                if (style.StyleId?.Value is { } id)
                {
                    var outline = style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } o && o < 9 ? o + 1 : 0;
                    result[id] = (style.StyleName?.Val?.Value ?? id, outline);
                }
            }
            return result;
        }
    }

    private sealed record Span(string Text, bool Bold, bool Italic, string? Link);

    private sealed class SectionDraft(string title, int line)
    {
        public List<Paragraph> Paragraphs { get; } = [];
        public List<ArticleDraft> Articles { get; } = [];

        public Section Build() => new(title, [.. Paragraphs], [.. Articles.Select(a => a.Build())], [], line);
    }

    private sealed class ArticleDraft(string title, int line)
    {
        public List<ArticleBlock> Blocks { get; } = [];

        public Article Build() => new(title, [.. Blocks], [], line);
    }
}
