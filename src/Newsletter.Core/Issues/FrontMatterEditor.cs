using System.Globalization;
using System.Text;

namespace Newsletter.Core.Issues;

/// <summary>
/// Sets the 期号 and date of a Markdown issue in its front matter, keeping every other line (comments included) as
/// written: the <c>number</c>, <c>date</c> and <c>sample</c> lines are replaced, or added before the closing <c>---</c>.
/// </summary>
public static class FrontMatterEditor
{
    /// <summary>
    /// The Markdown <paramref name="text"/> (parsed as <paramref name="issue"/>) with <paramref name="overrides"/>
    /// written into its front matter and <c>sample: false</c>; the text itself when there is nothing to override.
    /// </summary>
    public static string Apply(string text, Issue issue, IssueOverrides overrides)
    {
        if (overrides.IsEmpty)
        {
            return text;
        }
        var lines = IssueParser.SplitLines(text).ToList();
        var keys = issue.Metadata.Lines.Keys;
        var values = new List<(string Key, string Value)>();
        if (overrides.Number is { } number)
        {
            values.Add(("number", Quote(number)));
        }
        if (overrides.Date is { } date)
        {
            values.Add(("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        values.Add(("sample", "false"));

        var open = lines.FindIndex(l => l.TrimEnd() == "---");
        var close = open < 0 ? -1 : lines.FindIndex(open + 1, l => l.TrimEnd() is "---" or "...");
        if (open < 0 || close < 0 || lines.Take(open).Any(l => l.Trim().Length > 0))
        {
            // No front matter: open one with the values alone.
            var head = new StringBuilder("---\n");
            foreach (var (key, value) in values)
            {
                head.Append(key).Append(": ").Append(value).Append('\n');
            }
            return head.Append("---\n").Append(text).ToString();
        }
        var inserts = new List<string>();
        foreach (var (key, value) in values)
        {
            var at = keys.FirstOrDefault(k => k.Name == key)?.Line ?? 0;
            if (at > open && at <= close)
            {
                lines[at - 1] = $"{key}: {value}";
            }
            else
            {
                inserts.Add($"{key}: {value}");
            }
        }
        lines.InsertRange(close, inserts);
        return string.Join('\n', lines);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
