using System.Text;

namespace Newsletter.Core.Audience.Import;

/// <summary>Writing CSV that spreadsheets open safely.</summary>
public static class CsvText
{
    /// <summary>
    /// One CSV line (no line end): fields quoted when they hold a comma, quote or line break; a field starting with
    /// = + - @ (or a tab/CR) is prefixed with ' so a spreadsheet shows it as text instead of running it as a formula.
    /// </summary>
    public static string Line(IEnumerable<string?> fields)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var raw in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            var field = Neutralise(raw ?? "");
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                sb.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(field);
            }
        }
        return sb.ToString();
    }

    /// <summary>Undoes <see cref="Neutralise"/>: drops a ' that precedes = + - @ (the validator then judges the value itself).</summary>
    public static string Restore(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    /// <summary>Prefixes ' to a value a spreadsheet would treat as a formula.</summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
