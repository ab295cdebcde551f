using System.Text;
using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.PostProcessing;
using Newsletter.Mjml.Rendering;
using Newsletter.Mjml.Validation;

namespace Newsletter.Mjml;

/// <summary>
/// Compiles MJML 5 to HTML the way mjml 5.4.1 does. Immutable and thread-safe: create one and reuse it.
/// Author mistakes come back as <see cref="MjmlResult.Errors"/>; input that cannot be compiled is
/// <see cref="MjmlResult.Rejected"/>. No input makes <see cref="Compile"/> throw.
/// </summary>
public sealed class MjmlCompiler
{
    private const string MalformedMessage = "Malformed MJML. Check that your structure is correct and enclosed in <mjml> tags.";
    private readonly ComponentRegistry _registry;

    public MjmlCompiler()
        : this(ComponentRegistry.Default)
    {
    }

    internal MjmlCompiler(ComponentRegistry registry) => _registry = registry;

    /// <summary>Compiles <paramref name="mjml"/> with <paramref name="options"/> (or <see cref="MjmlOptions.Default"/>).</summary>
    public MjmlResult Compile(string mjml, MjmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mjml);
        options ??= MjmlOptions.Default;
        var errors = new List<MjmlError>();
        try
        {
            return CompileCore(mjml, options, errors);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug of ours must not take the caller down: report it as a rejection of this input.
            errors.Add(new MjmlError(0, "mjml", "Internal compiler error: " + ex.Message));
            return new MjmlResult("", errors, Rejected: true);
        }
    }

    private MjmlResult CompileCore(string mjml, MjmlOptions options, List<MjmlError> errors)
    {
        var includes = options.IncludeDirectory is { } dir ? new IncludeContext(dir, _registry, options.KeepComments) : null;
        var root = MjmlParser.Parse(mjml, _registry.IsEndingTag, options.KeepComments, includes, out var flattenedAt);
        if (root is null)
        {
            errors.Add(new MjmlError(1, "mjml", "Parsing failed. Check your mjml."));
            return new MjmlResult("", errors, Rejected: true);
        }
        if (flattenedAt > 0)
        {
            // The parser keeps rendering's recursion bounded by placing deeper elements at the limit; say so.
            errors.Add(new MjmlError(flattenedAt, "mjml",
                $"Elements are nested more than {MjmlParser.MaxDepth} levels deep; the deeper ones were placed at that level. Check your mjml."));
        }
        if (includes?.Fatal is { } fatal)
        {
            errors.Add(new MjmlError(root.Line, root.TagName, fatal));
            return new MjmlResult("", errors, Rejected: true);
        }
        includes?.AppendCssIncludes(root);

        var session = new RenderSession(_registry, options);
        var g = session.Global;
        g.ForceOwaDesktop = root.GetAttribute("owa") == "desktop";
        g.Lang = Js.Truthy(root.GetAttribute("lang")) ? root.GetAttribute("lang")! : "und";
        g.Dir = Js.Truthy(root.GetAttribute("dir")) ? root.GetAttribute("dir")! : "auto";

        if (options.Validation != MjmlValidationLevel.Skip)
        {
            MjmlValidator.Validate(root, _registry, errors);
            if (options.Validation == MjmlValidationLevel.Strict && errors.Count > 0)
            {
                return new MjmlResult("", errors, Rejected: true);
            }
        }

        var body = root.FindChild("mj-body");
        var head = root.FindChild("mj-head");
        if (head is not null) _registry.Find("mj-head")!.HandleHead!(head, session);
        if (body is null)
        {
            errors.Add(new MjmlError(root.Line, root.TagName, MalformedMessage));
            return new MjmlResult("", errors, Rejected: true);
        }

        // The body's builder is the thread's, kept between compiles: it grows to the largest document once instead
        // of allocating its chunks again for every compile.
        var sb = BodyBuilder.Acquire();
        string html;
        try
        {
            var bodyComponent = session.Create(body, new BodyContext(), new ChildProps(0, 1, 1), "");
            bodyComponent!.Render(sb);

            List<string>? beforeDoctype = null;
            foreach (var child in root.Children)
            {
                if (child.TagName == "mj-raw" && child.GetAttribute("position") == "file-start") (beforeDoctype ??= []).Add(child.Content ?? "");
            }
            if (beforeDoctype is not null) g.BeforeDoctype = string.Join('\n', beforeDoctype);

            if (g.HtmlAttributes.Count == 0 && g.InlineStyle.Count == 0)
            {
                html = Skeleton.BuildMerged(g, sb);
            }
            else if (g.HtmlAttributes.Count == 0)
            {
                // Inline CSS only: the document reaches the inliner in a pooled buffer, never as a string of its own.
                var css = string.Concat(g.InlineStyle);
                html = Skeleton.BuildThen(g, sb, document => CssInliner.Inline(document, css, mergeConditionals: true));
            }
            else
            {
                html = Skeleton.Build(g, HtmlAttributeApplier.Apply(sb.ToString(), g.HtmlAttributes));
                html = g.InlineStyle.Count > 0 ? CssInliner.Inline(html.AsMemory(), string.Concat(g.InlineStyle), mergeConditionals: true) : Conditionals.Merge(html);
            }
        }
        finally
        {
            BodyBuilder.Release(sb);
        }
        if (options.Minify) html = HtmlMinifier.Minify(html, options.KeepComments);
        else if (options.Beautify) html = HtmlBeautifier.Beautify(html);
        return new MjmlResult(html, errors, Rejected: false);
    }
}
