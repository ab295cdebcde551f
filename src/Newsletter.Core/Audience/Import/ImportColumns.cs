namespace Newsletter.Core.Audience.Import;

/// <summary>The columns an import understands.</summary>
public enum ImportColumn
{
    Email,
    Name,
    Organisation,
    Title,
    Segments,
    District,
    Industries,
    Status,
    Salutation,
}

/// <summary>Header names, Chinese or English, matched ignoring case and spaces.</summary>
public static class ImportColumns
{
    private static readonly Dictionary<string, ImportColumn> Aliases = new(StringComparer.Ordinal)
    {
        ["email"] = ImportColumn.Email, ["e-mail"] = ImportColumn.Email, ["mail"] = ImportColumn.Email,
        ["邮箱"] = ImportColumn.Email, ["电子邮箱"] = ImportColumn.Email, ["电子邮件"] = ImportColumn.Email, ["邮件地址"] = ImportColumn.Email,
        ["name"] = ImportColumn.Name, ["姓名"] = ImportColumn.Name,
        ["organisation"] = ImportColumn.Organisation, ["organization"] = ImportColumn.Organisation, ["单位"] = ImportColumn.Organisation,
        ["工作单位"] = ImportColumn.Organisation,
        ["title"] = ImportColumn.Title, ["职务"] = ImportColumn.Title,
        ["segment"] = ImportColumn.Segments, ["segments"] = ImportColumn.Segments, ["类别"] = ImportColumn.Segments,
        ["分类"] = ImportColumn.Segments,
        ["district"] = ImportColumn.District, ["区县"] = ImportColumn.District, ["县区"] = ImportColumn.District,
        ["industries"] = ImportColumn.Industries, ["industry"] = ImportColumn.Industries, ["行业"] = ImportColumn.Industries,
        ["关注行业"] = ImportColumn.Industries,
        ["status"] = ImportColumn.Status, ["状态"] = ImportColumn.Status,
        ["salutation"] = ImportColumn.Salutation, ["称呼"] = ImportColumn.Salutation,
    };

    /// <summary>The header names accepted, for messages.</summary>
    public static string Describe() =>
        "姓名/name, 邮箱|电子邮箱/email, 单位/organisation, 职务/title, 类别|分类/segment, 区县/district, 行业/industries, 状态/status, 称呼/salutation";

    public static bool TryMatch(string header, out ImportColumn column) =>
        Aliases.TryGetValue(Fold(header), out column);

    /// <summary>The English header <see cref="SubscriberExporter"/> writes for the column.</summary>
    public static string EnglishName(ImportColumn column) => column switch
    {
        ImportColumn.Segments => "segments",
        _ => column.ToString().ToLowerInvariant(),
    };

    private static string Fold(string header) =>
        string.Concat(header.Where(c => !char.IsWhiteSpace(c) && c != '\u3000' && c != '\uFEFF')).ToLowerInvariant();
}
