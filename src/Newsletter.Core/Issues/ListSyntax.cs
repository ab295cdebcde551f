namespace Newsletter.Core.Issues;

/// <summary>Lists written on one line: "county, enterprise", "市级领导、县级领导", "[a, b]".</summary>
internal static class ListSyntax
{
    private static readonly char[] Separators = [',', '，', '、', ';', '；', ' ', '\t', '\u3000'];

    /// <summary>The non-empty items of <paramref name="value"/>, trimmed, brackets around the whole removed.</summary>
    public static IReadOnlyList<string> Split(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }
        return trimmed.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
