using System.Text;
using Newsletter.Core.Issues;

namespace Newsletter.Core.Composition;

/// <summary>
/// The text/plain part, built from the issue model (not by stripping tags): title block, contents, sections
/// with articles, subheadings, paragraphs and tables (as "列名：值" lines), and the footer with the view and unsubscribe links as slots.
/// Lines end in CRLF, the canonical form of text/plain (RFC 2046 §4.1.1), so the base64 part carries no bare LF.
/// </summary>
public static class PlainTextRenderer
{
    private const string Indent = "\u3000\u3000";   // two ideographic spaces: the Chinese first-line indent

    public static string Render(Issue issue, IssueVariant variant)
    {
        var meta = issue.Metadata;
        var sections = variant.SectionsOf(issue);
        var text = new StringBuilder(16 * 1024);
        text.Append('《').Append(meta.Title).Append("》\n");
        var line = IssueLine(meta);
        if (line.Length > 0)
        {
            text.Append(line).Append('\n');
        }
        if (!string.IsNullOrEmpty(meta.Publisher))
        {
            text.Append(meta.Publisher).Append("\u3000编印\n");
        }
        text.Append('\n').Append(SlotTemplate.Marker(RecipientSlot.Salutation)).Append("：\n")
            .Append(Indent).Append("您好！现呈送本期《").Append(meta.Title).Append("》，供参阅。\n\n");

        text.Append("本期目录\n");
        foreach (var section in sections)
        {
            text.Append("● ").Append(section.Title).Append('\n');
            foreach (var article in section.Articles)
            {
                text.Append("    ").Append(article.Title).Append('\n');
            }
        }

        foreach (var section in sections)
        {
            text.Append("\n\n●").Append(section.Title).Append('\n').Append(new string('=', 36)).Append("\n\n");
            foreach (var paragraph in section.Paragraphs)
            {
                text.Append(Indent).Append(paragraph.Text).Append("\n\n");
            }
            foreach (var article in section.Articles)
            {
                text.Append('【').Append(article.Title).Append("】\n");
                if (article.Industries.Count > 0)
                {
                    text.Append("产业：").AppendJoin('、', article.Industries).Append('\n');
                }
                text.Append('\n');
                foreach (var block in article.Blocks)
                {
                    switch (block)
                    {
                        case Subheading subheading:
                            text.Append("■ ").Append(subheading.Text).Append("\n\n");
                            break;
                        case Paragraph paragraph:
                            text.Append(Indent).Append(paragraph.Text).Append("\n\n");
                            break;
                        case Table table:
                            AppendTable(text, table);
                            break;
                    }
                }
            }
        }

        text.Append("\n--\n");
        if (!string.IsNullOrEmpty(meta.Publisher))
        {
            text.Append(meta.Publisher).Append("\u3000编印\n");
        }
        text.Append("内部资料\u3000注意保存\n")
            .Append("本邮件发送至 ").Append(SlotTemplate.Marker(RecipientSlot.Email)).Append('\n')
            .Append("在浏览器中查看：").Append(SlotTemplate.Marker(RecipientSlot.ViewUrl)).Append('\n')
            .Append("退订：").Append(SlotTemplate.Marker(RecipientSlot.UnsubscribeUrl)).Append('\n');
        // Paragraph text may hold line breaks of its own: normalise them all at once.
        return text.ToString().ReplaceLineEndings("\r\n");
    }

    /// <summary>
    /// A table as one block of "列名：值" lines per row. Aligned columns would not stay aligned: mail clients show
    /// text/plain in proportional fonts, and a CJK character is two columns wide even in monospace ones.
    /// </summary>
    private static void AppendTable(StringBuilder text, Table table)
    {
        var names = table.Header.Select((cell, c) => cell.Text.Length > 0 ? cell.Text : $"第{c + 1}列").ToList();
        foreach (var row in table.Rows)
        {
            var first = true;
            for (var c = 0; c < names.Count && c < row.Count; c++)
            {
                if (row[c].Text.Length == 0)
                {
                    continue;
                }
                text.Append(first ? "◆" : "\u3000").Append(names[c]).Append('：').Append(row[c].Text).Append('\n');
                first = false;
            }
            if (!first)
            {
                text.Append('\n');
            }
        }
    }

    /// <summary>"2024年第8期 · 2024-08-15", or the sample note when the real number and date are unknown.</summary>
    internal static string IssueLine(IssueMetadata meta)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(meta.Number))
        {
            parts.Add(meta.Number);
        }
        if (meta.Date is { } date)
        {
            parts.Add(FormatDate(date));
        }
        if (meta.IsSample)
        {
            parts.Add("样刊（期号、日期待定）");
        }
        return string.Join(" · ", parts);
    }

    internal static string FormatDate(DateOnly date) => $"{date.Year}年{date.Month}月{date.Day}日";
}
