using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Core.Audience;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Writes an <see cref="Issue"/> as Markdown with front matter, in the syntax <see cref="IssueParser"/> reads, so that
/// parsing the output gives the same issue back. Paragraphs are written from their plain <see cref="Paragraph.Text"/>,
/// escaped; when their <see cref="Paragraph.Html"/> carries bold, italic or links (a Word import), those are written as
/// <c>**bold**</c>, <c>*italic*</c> and <c>[text](url)</c>.
/// </summary>
public static class IssueMarkdownWriter
{
    private static readonly Regex PlainYaml = new(@"^[\p{L}\p{N}《「“（(][^:#\r\n\[\]{},""'\\]*$", RegexOptions.CultureInvariant);
    private static readonly Regex YamlLiteral = new(@"^(true|false|yes|no|on|off|null|~|[-+.\d:eE_]+)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex OrderedListStart = new(@"^(\d{1,9})([.)])", RegexOptions.CultureInvariant);

    /// <summary>The syntax notes written into the front matter of every written issue, in the run's language.</summary>
    private static IEnumerable<string> SyntaxNotes() =>
    [
        Texts.Get("core.markdown.syntax"),
        Texts.Get("core.markdown.keys"),
        Texts.Get("core.markdown.audiences"),
        "  <!-- audiences: county, enterprise -->",
        Texts.Get("core.markdown.industries"),
        "  <!-- industries: 新材料, 智能装备 -->",
        "  (" + string.Join("、", Industries.All) + ")",
    ];

    /// <summary>The Markdown of <paramref name="issue"/>; <paramref name="comment"/>, when given, opens the front matter as a YAML comment.</summary>
    public static string Write(Issue issue, string? comment = null)
    {
        var md = new StringBuilder();
        md.Append("---\n");
        if (comment is not null)
        {
            foreach (var line in comment.ReplaceLineEndings("\n").Split('\n'))
            {
                md.Append("# ").Append(line).Append('\n');
            }
        }
        foreach (var note in SyntaxNotes())
        {
            md.Append("# ").Append(note).Append('\n');
        }
        WriteFrontMatter(md, issue.Metadata);
        md.Append("---\n");

        foreach (var section in issue.Sections)
        {
            md.Append("\n## ").Append(Escape(section.Title)).Append('\n');
            if (section.Audiences.Count > 0)
            {
                md.Append("<!-- audiences: ").Append(string.Join(", ", section.Audiences)).Append(" -->\n");
            }
            foreach (var paragraph in section.Paragraphs)
            {
                md.Append('\n').Append(Inline(paragraph.Text, paragraph.Html)).Append('\n');
            }
            foreach (var article in section.Articles)
            {
                md.Append("\n### ").Append(Escape(article.Title)).Append('\n');
                if (article.Industries.Count > 0)
                {
                    md.Append("<!-- industries: ").Append(string.Join(", ", article.Industries)).Append(" -->\n");
                }
                foreach (var block in article.Blocks)
                {
                    md.Append('\n').Append(block switch
                    {
                        Subheading subheading => "#### " + Escape(subheading.Text),
                        Paragraph paragraph => Inline(paragraph.Text, paragraph.Html),
                        Table table => PipeTable(table),
                        _ => "",
                    }).Append('\n');
                }
            }
        }
        return md.ToString();
    }

    private static void WriteFrontMatter(StringBuilder md, IssueMetadata metadata)
    {
        md.Append("title: ").Append(Yaml(metadata.Title)).Append('\n');
        if (metadata.Number is not null)
        {
            md.Append("number: ").Append(Yaml(metadata.Number)).Append('\n');
        }
        if (metadata.Date is { } date)
        {
            md.Append("date: ").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (metadata.Publisher is not null)
        {
            md.Append("publisher: ").Append(Yaml(metadata.Publisher)).Append('\n');
        }
        md.Append("audiences: [").Append(string.Join(", ", metadata.Audiences.Select(Yaml))).Append("]\n");
        if (metadata.Subject is not null)
        {
            md.Append("subject: ").Append(Yaml(metadata.Subject)).Append('\n');
        }
        if (metadata.Preheader is not null)
        {
            md.Append("preheader: ").Append(Yaml(metadata.Preheader)).Append('\n');
        }
        if (metadata.IsSample)
        {
            md.Append("# ").Append(Texts.Get("core.markdown.sample")).Append('\n');
            md.Append("sample: true\n");
        }
        else
        {
            md.Append("sample: false\n");
        }
    }

    /// <summary>A YAML scalar: plain when that reads back as the same string, else double-quoted.</summary>
    private static string Yaml(string value) =>
        PlainYaml.IsMatch(value) && !YamlLiteral.IsMatch(value) && value == value.Trim()
            ? value
            : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>The Markdown of a paragraph: its escaped text, or its inline HTML (strong, em, a only) as Markdown.</summary>
    /// <remarks>Every text run is escaped as a whole paragraph would be: a backslash before punctuation is valid anywhere in Markdown.</remarks>
    private static string Inline(string plain, string html, bool inTable = false)
    {
        if (html == InlineText.Encode(plain))
        {
            return Escape(plain);
        }
        var md = new StringBuilder();
        var text = new StringBuilder();
        var links = new Stack<string>();
        for (var i = 0; i < html.Length;)
        {
            if (html[i] == '&')
            {
                var end = html.IndexOf(';', i);
                var entity = end > i ? html[i..(end + 1)] : "&";
                text.Append(Decode(entity));
                i += entity.Length;
                continue;
            }
            if (html[i] != '<')
            {
                text.Append(html[i++]);
                continue;
            }
            var close = html.IndexOf('>', i);
            var tag = html[i..(close + 1)];
            md.Append(Escape(text.ToString()));
            text.Clear();
            if (tag is "<strong>" or "</strong>")
            {
                md.Append("**");
            }
            else if (tag is "<em>" or "</em>")
            {
                md.Append('*');
            }
            else if (tag == "</a>" && links.Count > 0)
            {
                md.Append("](<").Append(links.Pop()).Append(">)");
            }
            else if (tag.StartsWith("<a href=\"", StringComparison.Ordinal))
            {
                md.Append('[');
                var url = Decode(tag[9..^2]).Replace(" ", "%20").Replace("<", "%3C").Replace(">", "%3E");
                links.Push(inTable ? url.Replace("|", "%7C") : url); // a bare | would end the cell
            }
            i = close + 1;
        }
        return md.Append(Escape(text.ToString())).ToString();

        static string Decode(string value) => value.Replace("&quot;", "\"").Replace("&#39;", "'").Replace("&lt;", "<")
            .Replace("&gt;", ">").Replace("&amp;", "&");
    }

    /// <summary>A pipe table: header row, delimiter row, one line per row; | inside a cell escaped by <see cref="Escape"/>.</summary>
    private static string PipeTable(Table table)
    {
        var md = new StringBuilder();
        Row(table.Header);
        md.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", table.Columns))).Append('\n');
        foreach (var row in table.Rows)
        {
            Row(row);
        }
        return md.ToString(0, md.Length - 1);

        void Row(IReadOnlyList<TableCell> cells)
        {
            md.Append('|');
            for (var c = 0; c < table.Columns; c++)
            {
                var cell = c < cells.Count ? cells[c] : TableCell.Empty;
                md.Append(' ').Append(Inline(cell.Text, cell.Html, inTable: true)).Append(" |");
            }
            md.Append('\n');
        }
    }

    /// <summary>Escapes text so that Markdown reads it back literally, as one paragraph or heading.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '&' or '#' or '!' or '|' or '~')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        var result = escaped.ToString();
        if (result.Length > 0 && result[0] is '-' or '+' or '=')
        {
            result = "\\" + result;
        }
        return OrderedListStart.Replace(result, "$1\\$2", 1);
    }
}
