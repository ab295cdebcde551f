using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Microsoft.Extensions.FileProviders;
using Newsletter.Core.Issues;
using Newsletter.Core;

namespace Newsletter.Core.Composition;

/// <summary>A template could not be read, parsed or compiled: a fault of the layout, reported with its file.</summary>
public sealed class TemplateException(string message, Exception? inner = null)
    : UserFacingException(message, "fix the template in Templates:Directory", inner);

/// <summary>
/// Composes an issue into one <see cref="ComposedVariant"/> per audience: Liquid fills the MJML layout from the
/// issue model, the MJML compiler turns it into HTML, and the recipient slots stay open. Runs once per variant,
/// never per recipient (principle 2).
/// </summary>
public sealed class BulletinComposer
{
    // Keep CJK text as characters: the default encoder would turn every Chinese character into &#x…; entities.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly TemplateOptions _options;
    private readonly IMjmlCompiler _mjml;
    private readonly CompositionOptions _limits;
    private readonly FluidParser _parser = new(new FluidParserOptions { AllowFunctions = false });

    public BulletinComposer(TemplateOptions options, IMjmlCompiler mjml, CompositionOptions? limits = null)
    {
        _options = options;
        _mjml = mjml;
        _limits = limits ?? new CompositionOptions();
    }

    /// <summary>The largest HTML part allowed (<see cref="CompositionOptions.MaxHtmlBytes"/>); 0 or less: no limit.</summary>
    public int MaxHtmlBytes => _limits.MaxHtmlBytes;

    /// <summary>The layout file's full path.</summary>
    public string LayoutPath => Path.GetFullPath(Path.Combine(_options.Directory, _options.Layout));

    /// <exception cref="TemplateException">The layout is missing, has a Liquid syntax error, or MJML rejects it.</exception>
    public ComposedVariant Compose(Issue issue, IssueVariant variant)
    {
        var mjml = RenderMjml(issue, variant);
        var output = _mjml.Compile(mjml);
        if (output.Html is null)
        {
            throw new TemplateException($"{LayoutPath}: MJML rejected the composed layout: {string.Join("; ", output.Errors)}");
        }
        var subject = issue.Subject;
        return new ComposedVariant(variant.Key, subject, Preheader(issue, variant), SlotTemplate.Parse(output.Html),
            SlotTemplate.Parse(PlainTextRenderer.Render(issue, variant)));
    }

    /// <summary>
    /// The mistake of a variant whose HTML is larger than <see cref="MaxHtmlBytes"/> (Gmail would clip it and hide the
    /// unsubscribe link), pointing at the issue file and suggesting to split it; null when it fits.
    /// </summary>
    public SourceError? SizeError(Issue issue, ComposedVariant variant)
    {
        if (MaxHtmlBytes <= 0 || variant.HtmlBytes <= MaxHtmlBytes)
        {
            return null;
        }
        return new SourceError(issue.SourcePath, 0,
            string.Create(CultureInfo.InvariantCulture,
                $"the {variant.Key} variant's HTML is {Size(variant.HtmlBytes)}, above Composition:MaxHtmlBytes = {MaxHtmlBytes:N0}; Gmail clips mail above {CompositionOptions.GmailClipBytes:N0} bytes and hides the rest, the unsubscribe link included"),
            "split the issue into two (move some articles to the next one), or shorten it");
    }

    /// <summary>"48,863 bytes (47.7 KB)".</summary>
    public static string Size(int bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({bytes / 1024.0:0.0} KB)");

    /// <summary>The MJML source of a variant (Liquid applied), for previews and the reference check against mjml.</summary>
    public string RenderMjml(Issue issue, IssueVariant variant)
    {
        var layoutPath = LayoutPath;
        if (!File.Exists(layoutPath))
        {
            throw new TemplateException($"template {layoutPath} not found (set Templates:Directory to the folder holding {_options.Layout})");
        }
        if (!_parser.TryParse(File.ReadAllText(layoutPath), out var template, out var error))
        {
            throw new TemplateException($"{layoutPath}: {error}");
        }
        var templateOptions = new Fluid.TemplateOptions
        {
            FileProvider = new PhysicalFileProvider(Path.GetFullPath(_options.Directory)),
            MemberAccessStrategy = UnsafeMemberAccessStrategy.Instance,
        };
        var context = new TemplateContext(templateOptions);
        context.SetValue("issue", Model(issue, variant));
        context.SetValue("variant", new Dictionary<string, object?> { ["key"] = variant.Key, ["name"] = variant.DisplayName });
        try
        {
            return template.Render(context, Encoder);
        }
        catch (Exception e) when (e is ParseException or InvalidOperationException or FileNotFoundException)
        {
            throw new TemplateException($"{layoutPath}: {e.Message}", e);
        }
    }

    /// <summary>The front matter's preheader, else the start of the first paragraph of the sections this variant shows.</summary>
    private static string? Preheader(Issue issue, IssueVariant variant)
    {
        if (!string.IsNullOrWhiteSpace(issue.Metadata.Preheader))
        {
            return issue.Metadata.Preheader;
        }
        // Only this variant's sections: a section restricted to another audience must not leak into the inbox list.
        var first = variant.SectionsOf(issue).SelectMany(s => s.Paragraphs.Concat(s.Articles.SelectMany(a => a.Paragraphs))).FirstOrDefault();
        if (first is null)
        {
            return null;
        }
        return first.Text.Length <= 80 ? first.Text : first.Text[..79] + "…";
    }

    private static Dictionary<string, object?> Model(Issue issue, IssueVariant variant)
    {
        var meta = issue.Metadata;
        var sections = variant.SectionsOf(issue).Select((section, s) => new Dictionary<string, object?>
        {
            ["anchor"] = $"s{s + 1}",
            ["title"] = section.Title,
            ["paragraphs"] = section.Paragraphs.Select(p => new Dictionary<string, object?> { ["html"] = p.Html, ["text"] = p.Text }).ToList(),
            ["articles"] = section.Articles.Select((article, a) => new Dictionary<string, object?>
            {
                ["anchor"] = $"s{s + 1}a{a + 1}",
                ["title"] = article.Title,
                ["industries"] = article.Industries.ToList(),
                ["blocks"] = article.Blocks.Select(Block).ToList(),
                ["parts"] = Parts(article.Blocks),
            }).ToList(),
        }).ToList();
        return new Dictionary<string, object?>
        {
            ["title"] = meta.Title,
            ["number"] = meta.Number,
            ["date"] = meta.Date is { } date ? PlainTextRenderer.FormatDate(date) : null,
            ["line"] = PlainTextRenderer.IssueLine(meta),
            ["publisher"] = meta.Publisher,
            ["is_sample"] = meta.IsSample,
            ["subject"] = issue.Subject,
            ["preheader"] = Preheader(issue, variant),
            ["sections"] = sections,
        };
    }

    private static Dictionary<string, object?> Block(ArticleBlock block) => block switch
    {
        Subheading subheading => new() { ["kind"] = "subheading", ["text"] = subheading.Text },
        Paragraph paragraph => new() { ["kind"] = "paragraph", ["html"] = paragraph.Html, ["text"] = paragraph.Text },
        Table table => new()
        {
            ["kind"] = "table",
            ["header"] = table.Header.Select(Cell).ToList(),
            ["rows"] = table.Rows.Select(row => row.Select(Cell).ToList()).ToList(),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(block)),
    };

    private static Dictionary<string, object?> Cell(TableCell cell) => new() { ["html"] = cell.Html, ["text"] = cell.Text };

    /// <summary>
    /// The article's blocks as the layout places them: runs of text blocks (kind "text", with <c>blocks</c>) between
    /// tables (kind "table"). A table is its own mj-table, which MJML cannot nest inside an mj-text.
    /// </summary>
    private static List<Dictionary<string, object?>> Parts(IReadOnlyList<ArticleBlock> blocks)
    {
        var parts = new List<Dictionary<string, object?>>();
        List<Dictionary<string, object?>>? run = null;
        foreach (var block in blocks)
        {
            if (block is Table)
            {
                parts.Add(Block(block));
                run = null;
                continue;
            }
            if (run is null)
            {
                run = [];
                parts.Add(new() { ["kind"] = "text", ["blocks"] = run });
            }
            run.Add(Block(block));
        }
        return parts;
    }
}
