using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using A = DocumentFormat.OpenXml.Drawing;
using Dw = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using Pic = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Newsletter.Testing;

/// <summary>A run of a test paragraph: plain, bold, italic, or a hyperlink.</summary>
public sealed record DocxRun(string Text, bool Bold = false, bool Italic = false, string? Url = null)
{
    public static implicit operator DocxRun(string text) => new(text);
}

/// <summary>
/// Builds Word documents (.docx) with the Open XML SDK, as Word writes them: a styles part whose heading styles have
/// localised ids (Word in Chinese names <c>标题 1</c> with style id <c>1</c>; in English <c>heading 1</c> with id
/// <c>Heading1</c>), hyperlinks as relationships, tables, inline pictures with a PNG part.
/// </summary>
public sealed class DocxBuilder
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private readonly List<Func<MainDocumentPart, OpenXmlElement>> blocks = [];
    private readonly bool chineseStyles;

    /// <param name="chineseStyles">True: heading styles named 标题 1/2/3 with ids 1/2/3 (Word, WPS in Chinese); false: heading 1/2/3, ids Heading1/2/3.</param>
    public DocxBuilder(bool chineseStyles = true) => this.chineseStyles = chineseStyles;

    /// <summary>A paragraph in heading style <paramref name="level"/> (1–3).</summary>
    public DocxBuilder Heading(int level, string text)
    {
        var id = chineseStyles ? level.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"Heading{level}";
        blocks.Add(_ => new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = id }), new Run(new Text(text))));
        return this;
    }

    /// <summary>A body paragraph (style Normal) of <paramref name="runs"/>.</summary>
    public DocxBuilder Paragraph(params DocxRun[] runs)
    {
        blocks.Add(main => new Paragraph(runs.Select(r => Inline(main, r))));
        return this;
    }

    /// <summary>Every line of <paramref name="text"/> as a body paragraph (a blank line an empty paragraph).</summary>
    public DocxBuilder Lines(string text)
    {
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            Paragraph(line);
        }
        return this;
    }

    /// <summary>A table, the first row its header.</summary>
    public DocxBuilder Table(params string[][] rows) =>
        RichTable([.. rows.Select(row => row.Select(cell => new[] { new DocxRun(cell) }).ToArray())]);

    /// <summary>A table whose cells are runs (bold, italic, links), the first row its header; rows may differ in length (merged cells).</summary>
    public DocxBuilder RichTable(params DocxRun[][][] rows)
    {
        blocks.Add(main =>
        {
            var table = new Table(new TableProperties(new TableStyle { Val = "TableGrid" }, new TableWidth { Type = TableWidthUnitValues.Auto, Width = "0" }));
            foreach (var row in rows)
            {
                table.Append(new TableRow(row.Select(cell => new TableCell(new Paragraph(cell.Select(r => Inline(main, r)))))));
            }
            return table;
        });
        return this;
    }

    /// <summary>A paragraph holding an inline picture named <paramref name="name"/>, after <paramref name="text"/> when given.</summary>
    public DocxBuilder Image(string name, string? text = null)
    {
        blocks.Add(main =>
        {
            var image = main.AddImagePart(ImagePartType.Png);
            using (var stream = new MemoryStream(Png))
            {
                image.FeedData(stream);
            }
            var id = main.GetIdOfPart(image);
            var size = 952500L; // 1 inch in EMU
            var drawing = new Drawing(new Dw.Inline(
                new Dw.Extent { Cx = size, Cy = size },
                new Dw.DocProperties { Id = (uint)blocks.Count + 1, Name = name },
                new A.Graphic(new A.GraphicData(
                    new Pic.Picture(
                        new Pic.NonVisualPictureProperties(new Pic.NonVisualDrawingProperties { Id = 0U, Name = name + ".png" }, new Pic.NonVisualPictureDrawingProperties()),
                        new Pic.BlipFill(new A.Blip { Embed = id }, new A.Stretch(new A.FillRectangle())),
                        new Pic.ShapeProperties(new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = size, Cy = size }),
                            new A.PresetGeometry { Preset = A.ShapeTypeValues.Rectangle })))
                { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" })));
            var paragraph = new Paragraph();
            if (text is not null)
            {
                paragraph.Append(new Run(new Text(text)));
            }
            paragraph.Append(new Run(drawing));
            return paragraph;
        });
        return this;
    }

    /// <summary>The document's bytes.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                new Style(new StyleName { Val = "Normal" }) { Type = StyleValues.Paragraph, StyleId = "a", Default = true },
                HeadingStyle(1), HeadingStyle(2), HeadingStyle(3));
            main.Document = new Document(new Body(blocks.Select(b => b(main))));
        }
        return stream.ToArray();
    }

    /// <summary>Writes the document to <paramref name="path"/> and returns the path.</summary>
    public string Save(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private Style HeadingStyle(int level) => new(
        new StyleName { Val = chineseStyles ? $"标题 {level}" : $"heading {level}" },
        new BasedOn { Val = "a" },
        new StyleRunProperties(new Bold()))
    {
        Type = StyleValues.Paragraph,
        StyleId = chineseStyles ? level.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"Heading{level}",
    };

    private static OpenXmlElement Inline(MainDocumentPart main, DocxRun run)
    {
        var properties = new RunProperties();
        if (run.Bold)
        {
            properties.Append(new Bold());
        }
        if (run.Italic)
        {
            properties.Append(new Italic());
        }
        var element = new Run(properties, new Text(run.Text) { Space = SpaceProcessingModeValues.Preserve });
        if (run.Url is null)
        {
            return element;
        }
        var relationship = main.AddHyperlinkRelationship(new Uri(run.Url, UriKind.Absolute), true);
        return new Hyperlink(element) { Id = relationship.Id };
    }
}
