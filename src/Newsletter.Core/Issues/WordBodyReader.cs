using System.Globalization;
using Newsletter.Core.Localization;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Word = DocumentFormat.OpenXml.Wordprocessing;

namespace Newsletter.Core.Issues;

/// <summary>One paragraph or table row of a Word document, numbered in reading order.</summary>
/// <param name="Number">Paragraph number: every paragraph of the body counts one, every row of a table counts one.</param>
/// <param name="Text">Plain text (a table row's cells joined by <see cref="BulletinWordImporter.CellSeparator"/>); empty when blank.</param>
/// <param name="Html">Safe inline HTML, as <see cref="Paragraph.Html"/>.</param>
/// <param name="HeadingLevel">The heading level of its style or outline level; 0 for body text.</param>
/// <param name="StyleName">The style's name as Word shows it; null without a style.</param>
/// <param name="Row">The table row this item is; null for a paragraph.</param>
/// <param name="Images">Images and embedded objects in it, described for the report.</param>
internal sealed record WordItem(int Number, string Text, string Html, int HeadingLevel, string? StyleName, WordTableRow? Row,
    IReadOnlyList<string> Images)
{
    public bool IsTableRow => Row is not null;
}

/// <summary>A row of a Word table.</summary>
/// <param name="Start">The paragraph number of the table's first row (the same for every row of a table).</param>
/// <param name="Index">0-based row index.</param>
/// <param name="RowCount">Rows in the table.</param>
/// <param name="Columns">Cells in its widest row.</param>
/// <param name="Cells">The cells, padded to <paramref name="Columns"/>.</param>
internal sealed record WordTableRow(int Start, int Index, int RowCount, int Columns, IReadOnlyList<TableCell> Cells)
{
    /// <summary>
    /// True when the table is carried as a table: at least two rows and two columns. A one-column or one-row table is
    /// a framed box of text in a Word bulletin, read as paragraphs.
    /// </summary>
    public bool IsDataTable => RowCount >= 2 && Columns >= 2;
}

/// <summary>Walks the body of a Word document in reading order: paragraphs with their inline formatting and images, table rows with their cells.</summary>
internal sealed partial class WordBodyReader(MainDocumentPart main)
{
    private static readonly string[] LinkSchemes = ["http", "https", "mailto"];

    private readonly List<WordItem> items = [];
    private readonly Dictionary<string, (string Name, int Outline)> styles = ReadStyles(main);

    /// <summary>Every paragraph and table row of <paramref name="body"/>, numbered from 1 in reading order.</summary>
    public List<WordItem> Read(Word.Body body)
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
            (level, name) = (direct + 1, Texts.Format("core.import.outline_level", direct + 1));
        }
        else if (level == 0 && outline > 0)
        {
            level = outline;
        }
        items.Add(new WordItem(items.Count + 1, text, html, text.Length > 0 ? level : 0, name, null, images));
    }

    private void AddTable(Word.Table table)
    {
        var rows = table.Elements<Word.TableRow>().ToList();
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Elements<Word.TableCell>().Count());
        var start = items.Count + 1;
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].Elements<Word.TableCell>().Select(cell =>
            {
                var parts = cell.Descendants<Word.Paragraph>().Select(Inline).ToList();
                return (Text: string.Join(" ", parts.Where(p => p.Text.Length > 0).Select(p => p.Text)),
                    Html: string.Join(" ", parts.Where(p => p.Text.Length > 0).Select(p => p.Html)),
                    Images: parts.SelectMany(p => p.Images).ToList());
            }).ToList();
            // Merged cells (gridSpan) leave a row short: padded with empty cells, so every row is as wide as the widest.
            var padded = cells.Select(c => new TableCell(c.Text, c.Html))
                .Concat(Enumerable.Repeat(TableCell.Empty, columns - cells.Count)).ToList();
            var text = string.Join(BulletinWordImporter.CellSeparator, cells.Select(c => c.Text));
            var html = string.Join(InlineText.Encode(BulletinWordImporter.CellSeparator), cells.Select(c => c.Html));
            items.Add(new WordItem(items.Count + 1, cells.All(c => c.Text.Length == 0) ? "" : text, html, 0, null,
                new WordTableRow(start, r, rows.Count, columns, padded), [.. cells.SelectMany(c => c.Images)]));
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
        var kind = Texts.Get(part is Word.EmbeddedObject ? "core.import.embedded_object" : "core.import.image");
        return name is { Length: > 0 } ? Texts.Format("core.import.named", kind, name) : kind;
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

    [GeneratedRegex(@"^(?:heading|标题)\s*(?<level>[1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingName();

    private sealed record Span(string Text, bool Bold, bool Italic, string? Link);
}
