using System.Text;

namespace Newsletter.Mjml.Rendering;

/// <summary>mjml-core's skeleton: the document around the rendered body, with fonts, media queries and styles.</summary>
internal static class Skeleton
{
    private const string FixedHead = """
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style type="text/css">
#outlook a { padding:0; }
body { margin:0;padding:0;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%; }
table, td { border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt; }
img { border:0;height:auto;line-height:100%; outline:none;text-decoration:none;-ms-interpolation-mode:bicubic; }
p { display:block;margin:13px 0; }
</style>
<!--[if mso]>
<noscript>
<xml>
<o:OfficeDocumentSettings>
  <o:AllowPNG/>
  <o:PixelsPerInch>96</o:PixelsPerInch>
</o:OfficeDocumentSettings>
</xml>
</noscript>
<![endif]-->
<!--[if lte mso 11]>
<style type="text/css">
.mj-outlook-group-fix { width:100% !important; }
</style>
<![endif]-->

""";

    private const string Tail = "\n</html>\n";

    /// <summary>The whole document around <paramref name="content"/> (the slow path, when the body is post-processed as a string).</summary>
    public static string Build(GlobalData g, string content) => BuildHead(g, content) + content + Tail;

    /// <summary>
    /// The whole document around the body rendered in <paramref name="body"/>, unmerged, handed to
    /// <paramref name="postProcess"/> in a pooled buffer that is valid only during the call: the document is never a
    /// string of its own (80–170 KB, on the large object heap, for a template that inlines CSS), only the result is.
    /// </summary>
    public static string BuildThen(GlobalData g, StringBuilder body, Func<ReadOnlyMemory<char>, string> postProcess)
    {
        var pool = System.Buffers.ArrayPool<char>.Shared;
        var length = body.Length;
        var bodyBuffer = pool.Rent(Math.Max(length, 16));
        char[]? document = null;
        try
        {
            body.CopyTo(0, bodyBuffer, 0, length);
            var head = BuildHead(g, bodyBuffer.AsSpan(0, length));
            var total = head.Length + length + Tail.Length;
            document = pool.Rent(total);
            head.CopyTo(document);
            bodyBuffer.AsSpan(0, length).CopyTo(document.AsSpan(head.Length));
            Tail.CopyTo(document.AsSpan(head.Length + length));
            pool.Return(bodyBuffer);
            bodyBuffer = null;
            return postProcess(document.AsMemory(0, total));
        }
        finally
        {
            if (bodyBuffer is not null) pool.Return(bodyBuffer);
            if (document is not null) pool.Return(document);
        }
    }

    /// <summary>
    /// The document around the body rendered in <paramref name="body"/>, with Outlook conditionals merged, built with a
    /// single large allocation (the result): the body is merged in a pooled buffer, then copied once.
    /// </summary>
    public static string BuildMerged(GlobalData g, StringBuilder body) => Build(g, body, merge: true);

    private static string Build(GlobalData g, StringBuilder body, bool merge)
    {
        var length = body.Length;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Max(length, 16));
        try
        {
            body.CopyTo(0, buffer, 0, length);
            var head = BuildHead(g, buffer.AsSpan(0, length));
            if (merge)
            {
                head = Conditionals.Merge(head);
                length = Conditionals.MergeInPlace(buffer, length);
            }
            return string.Create(head.Length + length + Tail.Length, (head, buffer, length), static (span, state) =>
            {
                state.head.AsSpan().CopyTo(span);
                state.buffer.AsSpan(0, state.length).CopyTo(span[state.head.Length..]);
                Tail.AsSpan().CopyTo(span[(state.head.Length + state.length)..]);
            });
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string BuildHead(GlobalData g, ReadOnlySpan<char> content)
    {
        var sb = new StringBuilder(4096);
        if (g.BeforeDoctype.Length > 0) sb.Append(g.BeforeDoctype).Append('\n');
        sb.Append("<!doctype html>\n<html lang=\"").Append(g.Lang).Append("\" dir=\"").Append(g.Dir)
            .Append("\" xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>\n<title>")
            .Append(g.Title)
            .Append("</title>\n<!--[if !mso]><!-->\n<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n<!--<![endif]-->\n")
            .Append(FixedHead);
        AppendFonts(sb, g, content);
        AppendMediaQueries(sb, g);
        AppendComponentStyles(sb, g);
        AppendStyleTags(sb, g);
        for (var i = 0; i < g.HeadRaw.Count; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(g.HeadRaw[i]);
        }
        sb.Append("\n</head>\n");
        return sb.ToString();
    }

    private static void AppendFonts(StringBuilder sb, GlobalData g, ReadOnlySpan<char> content)
    {
        if (g.Fonts.Count == 0) return;
        List<string>? toImport = null;
        // One pass over the document for all fonts (five by default), not one a font, and no list of the runs.
        Span<bool> inRuns = g.Fonts.Count <= 64 ? stackalloc bool[g.Fonts.Count] : new bool[g.Fonts.Count];
        MarkFontsInRuns(content, g.Fonts, inRuns);
        var k = 0;
        foreach (var (name, url) in g.Fonts)
        {
            if (inRuns[k++] || FontUsedInInlineStyles(g.InlineStyle, name)) (toImport ??= []).Add(url);
        }
        if (toImport is null) return;
        sb.Append("<!--[if !mso]><!-->\n");
        foreach (var url in toImport) sb.Append("<link href=\"").Append(url).Append("\" rel=\"stylesheet\" type=\"text/css\">\n");
        sb.Append("<style type=\"text/css\">\n");
        foreach (var url in toImport) sb.Append("@import url(").Append(url).Append(");\n");
        sb.Append("</style>\n<!--<![endif]-->\n");
    }

    /// <summary>
    /// <c>/"[^"]*font-family:[^"]*NAME[^"]*"/i</c> on content, for every font NAME at once: sets
    /// <paramref name="found"/>[k] when the k-th font's name is in a run. A run is a stretch between two quotes that
    /// holds <c>font-family:</c>, from after its first one up to the closing quote (where the regex can find NAME).
    /// </summary>
    private static void MarkFontsInRuns(ReadOnlySpan<char> content, OrderedDictionary<string, string> fonts, Span<bool> found)
    {
        const string FontFamily = "font-family:";
        var from = 0;
        var left = found.Length;
        while (left > 0)
        {
            var ff = content[from..].IndexOf(FontFamily, StringComparison.OrdinalIgnoreCase);
            if (ff < 0) break;
            ff += from;
            var after = ff + FontFamily.Length;
            var close = content[after..].IndexOf('"');
            // No closing quote: no run here nor further on.
            if (close < 0) break;
            close += after;
            // The run must open with a quote: after the first run, the previous run's closing quote (at from) opens it.
            if (from > 0 || content[..ff].Contains('"'))
            {
                var run = content[after..close];
                for (var k = 0; k < found.Length; k++)
                {
                    if (found[k] || run.IndexOf(fonts.GetAt(k).Key, StringComparison.OrdinalIgnoreCase) < 0) continue;
                    found[k] = true;
                    left--;
                }
            }
            // A later font-family: of the same run finds less after it; the closing quote opens the next run.
            from = close;
        }
    }

    /// <summary><c>/font-family:[^;}]*NAME/i</c>.</summary>
    private static bool FontUsedInInlineStyles(List<string> inlineStyles, string name)
    {
        foreach (var css in inlineStyles)
        {
            var i = css.IndexOf("font-family:", StringComparison.OrdinalIgnoreCase);
            while (i >= 0)
            {
                var start = i + 12;
                var end = start;
                while (end < css.Length && css[end] != ';' && css[end] != '}') end++;
                if (css.AsSpan(start, end - start).IndexOf(name, StringComparison.OrdinalIgnoreCase) >= 0) return true;
                i = css.IndexOf("font-family:", start, StringComparison.OrdinalIgnoreCase);
            }
        }
        return false;
    }

    private static List<string> GroupMediaQueries(GlobalData g, string prefix)
    {
        var grouped = new OrderedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (className, rule) in g.MediaQueries)
        {
            if (!grouped.TryGetValue(rule, out var selectors))
            {
                selectors = [];
                grouped[rule] = selectors;
            }
            selectors.Add(prefix + "." + className);
        }
        var result = new List<string>(grouped.Count);
        foreach (var (rule, selectors) in grouped) result.Add(string.Join(", ", selectors) + " " + rule);
        return result;
    }

    private static void AppendMediaQueries(StringBuilder sb, GlobalData g)
    {
        if (g.MediaQueries.Count == 0) return;
        var baseQueries = GroupMediaQueries(g, "");
        var thunderbird = GroupMediaQueries(g, ".moz-text-html ");
        sb.Append("<style type=\"text/css\">\n@media only screen and (min-width:").Append(g.Breakpoint).Append(") {\n")
            .AppendJoin('\n', baseQueries).Append("\n}\n</style>\n<style media=\"screen and (min-width:").Append(g.Breakpoint).Append(")\">\n")
            .AppendJoin('\n', thunderbird).Append("\n</style>\n");
        if (g.ForceOwaDesktop)
        {
            sb.Append("<style type=\"text/css\">\n");
            for (var i = 0; i < baseQueries.Count; i++)
            {
                if (i > 0) sb.Append('\n');
                sb.Append("[owa] ").Append(baseQueries[i]);
            }
            sb.Append("\n</style>\n");
        }
    }

    private static void AppendComponentStyles(StringBuilder sb, GlobalData g)
    {
        if (g.ComponentsHeadStyle.Count == 0 && g.HeadStyle.Count == 0) return;
        sb.Append("<style type=\"text/css\">");
        foreach (var style in g.ComponentsHeadStyle) style(sb.Append('\n'), g.Breakpoint);
        foreach (var (_, style) in g.HeadStyle) sb.Append('\n').Append(style(g.Breakpoint));
        sb.Append("\n</style>\n");
    }

    private static void AppendStyleTags(StringBuilder sb, GlobalData g)
    {
        if (g.Style.Count == 0) return;
        sb.Append("<style type=\"text/css\">");
        foreach (var style in g.Style) sb.Append('\n').Append(style);
        sb.Append("\n</style>\n");
    }
}
