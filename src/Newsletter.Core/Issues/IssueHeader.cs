using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>The 期号 and date found in the header lines of a plain-text bulletin (above the first section marker).</summary>
/// <param name="Number">期号 normalised, e.g. "2024年第9期（总第120期）"; null when none was found.</param>
/// <param name="NumberLine">1-based line of <paramref name="Number"/>, 0 when none.</param>
/// <param name="Date">The issue date; null when none was found.</param>
/// <param name="DateLine">1-based line of <paramref name="Date"/>, 0 when none.</param>
public sealed record IssueHeader(string? Number, int NumberLine, DateOnly? Date, int DateLine)
{
    /// <summary>Nothing found.</summary>
    public static IssueHeader None { get; } = new(null, 0, null, 0);

    /// <summary>True when both the 期号 and the date were found.</summary>
    public bool IsComplete => Number is not null && Date is not null;
}

/// <summary>
/// 期号 and dates as the institute writes them: "2024年第9期", "2024年第9期（总第120期）", "总第120期", "第九期";
/// dates "2024年9月15日", "2024-09-15", "2024/9/15", "2024.9.15". Full-width digits and punctuation (２０２４，（），－)
/// and spaces (also U+3000) between the parts are accepted. Numbers are normalised to ASCII digits and the
/// full-width brackets the masthead prints.
/// </summary>
public static partial class IssueNumbers
{
    /// <summary>Finds the 期号 and the date in <paramref name="line"/>; either may be null.</summary>
    public static (string? Number, DateOnly? Date, string? DateProblem) Find(string line)
    {
        var text = Normalize(line);
        string? number = null;
        if (NumberPattern().Match(text) is { Success: true } n)
        {
            number = Format(n);
        }
        DateOnly? date = null;
        string? problem = null;
        if (DatePattern().Match(text) is { Success: true } d)
        {
            if (TryDate(d, out var value))
            {
                date = value;
            }
            else
            {
                problem = Texts.Format("core.header.not_a_calendar_day_looks", d.Value);
            }
        }
        return (number, date, problem);
    }

    /// <summary>Parses a whole 期号 as given to <c>--number</c> or typed into the web form.</summary>
    /// <returns>The normalised 期号, or null with <paramref name="error"/> saying why.</returns>
    public static string? ParseNumber(string? text, out string? error)
    {
        error = null;
        var normalized = Normalize(text ?? "");
        if (normalized.Length == 0)
        {
            error = Texts.Get("core.header.number_empty");
            return null;
        }
        if (NumberPattern().Match(normalized) is { Success: true } m && m.Index == 0 && m.Length == normalized.Length)
        {
            return Format(m);
        }
        error = Texts.Format("core.header.not_a_number", text!.Trim());
        return null;
    }

    /// <summary>Parses a whole date as given to <c>--date</c>: 2024-09-15, 2024年9月15日, 2024/9/15 (full-width digits too).</summary>
    public static DateOnly? ParseDate(string? text, out string? error)
    {
        error = null;
        var normalized = Normalize(text ?? "");
        if (normalized.Length == 0)
        {
            error = Texts.Get("core.header.date_empty");
            return null;
        }
        if (DatePattern().Match(normalized) is { Success: true } m && m.Index == 0 && m.Length == normalized.Length)
        {
            if (TryDate(m, out var date))
            {
                return date;
            }
            error = Texts.Format("core.header.not_a_calendar_day", text!.Trim());
            return null;
        }
        error = Texts.Format("core.frontmatter.not_a_date", text!.Trim());
        return null;
    }

    /// <summary>The hint for a bad <c>--number</c>.</summary>
    public static string NumberHint => Texts.Get("core.header.number_hint");

    /// <summary>The hint for a bad <c>--date</c>.</summary>
    public static string DateHint => Texts.Get("core.header.date_hint");

    private static string Format(Match m)
    {
        var parts = new StringBuilder();
        if (m.Groups["year"].Success)
        {
            parts.Append(Arabic(m.Groups["year"].Value)).Append('年');
        }
        if (m.Groups["no"].Success)
        {
            parts.Append('第').Append(Arabic(m.Groups["no"].Value)).Append('期');
        }
        if (m.Groups["total"].Success)
        {
            var total = $"总第{Arabic(m.Groups["total"].Value)}期";
            parts.Append(parts.Length > 0 ? $"（{total}）" : total);
        }
        return parts.ToString();
    }

    private static bool TryDate(Match m, out DateOnly date)
    {
        date = default;
        if (!int.TryParse(m.Groups["y"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(m.Groups["m"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var mo)
            || !int.TryParse(m.Groups["d"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || y is < 1900 or > 2999 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo))
        {
            return false;
        }
        date = new DateOnly(y, mo, d);
        return true;
    }

    /// <summary>Full-width forms to ASCII (digits, brackets, punctuation), spaces of every width removed.</summary>
    private static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (!char.IsWhiteSpace(c) && c != '\uFEFF')
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }

    /// <summary>"9" stays "9"; Chinese numerals (九, 十二, 一二〇) become digits.</summary>
    private static string Arabic(string value)
    {
        if (value.All(char.IsAsciiDigit))
        {
            return int.Parse(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }
        const string Digits = "〇一二三四五六七八九";
        if (!value.Contains('十') && !value.Contains('百'))
        {
            return string.Concat(value.Select(c => Digits.IndexOf(c == '零' ? '〇' : c, StringComparison.Ordinal)));
        }
        int total = 0, current = 0;
        foreach (var c in value)
        {
            var digit = Digits.IndexOf(c == '零' ? '〇' : c, StringComparison.Ordinal);
            if (digit >= 0)
            {
                current = digit;
            }
            else if (c == '十')
            {
                total += (current == 0 ? 1 : current) * 10;
                current = 0;
            }
            else if (c == '百')
            {
                total += (current == 0 ? 1 : current) * 100;
                current = 0;
            }
        }
        return (total + current).ToString(CultureInfo.InvariantCulture);
    }

    private const string Numeral = @"(?:\d{1,4}|[〇零一二三四五六七八九十百]{1,5})";

    // 2024年第9期(总第120期) · 2024年第9期 · 第9期 · 总第120期 (brackets optional; after NFKC full-width ones are ASCII).
    [GeneratedRegex(@"(?:(?:(?<year>\d{4})年)?第(?<no>" + Numeral + @")期(?:[(\[]?总第(?<total>" + Numeral + @")期[)\]]?)?|总第(?<total>" + Numeral + @")期)",
        RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    // 2024年9月15日 · 2024-09-15 · 2024/9/15 · 2024.9.15 (no digit right before or after).
    [GeneratedRegex(@"(?<!\d)(?:(?<y>\d{4})年(?<m>\d{1,2})月(?<d>\d{1,2})[日号]?|(?<y>\d{4})[-/.](?<m>\d{1,2})[-/.](?<d>\d{1,2}))(?!\d)",
        RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
