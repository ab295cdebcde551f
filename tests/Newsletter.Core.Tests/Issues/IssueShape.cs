using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

/// <summary>An issue's content without line numbers or source path, one entry per element, for comparing two readings.</summary>
internal static class IssueShape
{
    public static IReadOnlyList<string> Of(Issue issue, bool withIndustries = true)
    {
        var shape = new List<string>();
        foreach (var section in issue.Sections)
        {
            shape.Add($"## {section.Title} [{string.Join(",", section.Audiences)}]");
            shape.AddRange(section.Paragraphs.Select(p => $"p {p.Text} | {p.Html}"));
            foreach (var article in section.Articles)
            {
                shape.Add(withIndustries ? $"### {article.Title} [{string.Join(",", article.Industries)}]" : $"### {article.Title}");
                shape.AddRange(article.Blocks.Select(b => b switch
                {
                    Subheading s => $"#### {s.Text}",
                    Paragraph p => $"p {p.Text} | {p.Html}",
                    _ => throw new InvalidOperationException(b.GetType().Name),
                }));
            }
        }
        return shape;
    }

    /// <summary>The metadata as one string, lists spelt out and positions left out.</summary>
    public static string Of(IssueMetadata m) =>
        $"{m.Title}|{m.Number}|{m.Date:yyyy-MM-dd}|{m.Publisher}|{string.Join(",", m.Audiences)}|{m.Subject}|{m.Preheader}|{m.IsSample}";

    /// <summary>Every paragraph's text in reading order: section paragraphs, then each article's.</summary>
    public static IReadOnlyList<string> Paragraphs(Issue issue) =>
        [.. issue.Sections.SelectMany(s => s.Paragraphs.Select(p => p.Text).Concat(s.Articles.SelectMany(a => a.Paragraphs.Select(p => p.Text))))];
}

/// <summary>The seeds in the repository.</summary>
internal static class Seeds
{
    public static string Text => Path.Combine(Newsletter.Testing.TestEnvironment.RepositoryRoot, "seeds", "000_d7cfb1a0bdf40954.txt");

    public static string Markdown => Path.Combine(Newsletter.Testing.TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md");

    /// <summary>The headings of the seed as the bulletin's editors wrote them (see the task): titles and subheadings.</summary>
    public static readonly string[] ArticleTitles =
        ["产业“聚链成群” 企业“众木成林”", "“科技副总”留下了，“周末工程师”也来了", "西安高新区打通成果转化“最初一公里”"];

    public static readonly string[] FirstArticleSubheadings = ["引进科研平台", "构建转化体系", "坚持深化改革"];

    public static readonly string[] SecondArticleSubheadings = ["企业求贤若渴", "人才挂帅出征", "共赴美好未来"];

    /// <summary>
    /// The paragraphs of the seed computed from its raw lines alone: every non-blank line (trimmed of spaces and
    /// full-width spaces) that is neither a ● marker nor one of the known headings.
    /// </summary>
    public static IReadOnlyList<string> RawParagraphs()
    {
        var headings = ArticleTitles.Concat(FirstArticleSubheadings).Concat(SecondArticleSubheadings).ToHashSet();
        return [.. File.ReadAllLines(Text)
            .Select(l => l.Trim(' ', '\u3000', '\t'))
            .Where(l => l.Length > 0 && !l.StartsWith('●') && !headings.Contains(l))];
    }
}
