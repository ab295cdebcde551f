using Newsletter.Core.Localization;
namespace Newsletter.Core.Audience.Import;

/// <summary>
/// The district and industries of an imported row, matched against <see cref="Districts"/> and <see cref="Industries"/>.
/// The person is imported in every case; what was not exactly a known value is said in a warning on the row:
/// a likely typo of exactly one known value (鄢林县, 鄢陵) is stored as that value — so a send to 鄢陵县 reaches them —
/// and the warning says so; a district that could be several is left empty (a wrong guess would send to the wrong
/// county); a district like none of them (市直, 郑州市) is kept as written, since it is not a misspelling of a known one;
/// an unknown industry is dropped, since no send can select it.
/// </summary>
public static class ImportTagCheck
{
    /// <summary>The district to store (null for none) and the warnings about it.</summary>
    public static string? District(string? written, int line, string column, List<ImportWarning> warnings)
    {
        if (string.IsNullOrWhiteSpace(written)) return null;
        var match = Districts.Match(written);
        switch (match.Kind)
        {
            case TagMatchKind.Known:
                return match.Value;
            case TagMatchKind.Corrected:
                warnings.Add(new(line, column, Texts.Format("import.warning.district_corrected", written, match.Value)));
                return match.Value;
            case TagMatchKind.Ambiguous:
                warnings.Add(new(line, column, Texts.Format("import.warning.district_ambiguous", written, string.Join(Texts.Get("import.or"), match.Candidates))));
                return null;
            default:
                warnings.Add(new(line, column, Texts.Format("import.warning.district_unknown", written, Districts.Describe())));
                return written.Trim();
        }
    }

    /// <summary>The known industries of the list (typos corrected), with warnings for the rest, which are dropped.</summary>
    public static IReadOnlyList<string> Industries(string? written, int line, string column, List<ImportWarning> warnings)
    {
        List<string>? result = null;
        foreach (var range in Segments.ListItems(written))
        {
            var item = range.Equals(0..written!.Length) ? written : written[range];
            result ??= [];
            var match = Audience.Industries.Match(item);
            switch (match.Kind)
            {
                case TagMatchKind.Known:
                    if (!result.Contains(match.Value!)) result.Add(match.Value!);
                    break;
                case TagMatchKind.Corrected:
                    warnings.Add(new(line, column, Texts.Format("import.warning.industry_corrected", item, match.Value)));
                    if (!result.Contains(match.Value!)) result.Add(match.Value!);
                    break;
                case TagMatchKind.Ambiguous:
                    warnings.Add(new(line, column, Texts.Format("import.warning.industry_ambiguous", item, string.Join(Texts.Get("import.or"), match.Candidates))));
                    break;
                default:
                    warnings.Add(new(line, column, Texts.Format("import.warning.industry_unknown", item, Audience.Industries.Describe())));
                    break;
            }
        }
        return result ?? (IReadOnlyList<string>)[];
    }
}
