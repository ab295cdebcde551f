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

    /// <summary>The <c>原因</c> column of a rejects file: skipped without a warning, so a fixed rejects file imports as it is.</summary>
    Reason,
}

/// <summary>
/// The one table of header names, Chinese and English, matched ignoring case, spaces, full-width forms and a trailing
/// "(必填)"-style note or "*". Any other header is an ignored column (one warning lists them).
/// </summary>
public static class ImportColumns
{
    /// <summary>Every accepted header per column; the first is the Chinese name shown in messages, the second the English.</summary>
    public static IReadOnlyList<(ImportColumn Column, string[] Names)> Synonyms { get; } =
    [
        (ImportColumn.Email, ["邮箱", "email", "邮箱地址", "电子邮箱", "电子邮件", "电子邮件地址", "邮件地址", "联系邮箱", "电邮", "邮件", "e-mail", "mail",
            "emailaddress", "e-mailaddress", "mailaddress"]),
        (ImportColumn.Name, ["姓名", "name", "名字", "联系人", "fullname"]),
        (ImportColumn.Organisation, ["单位", "organisation", "organization", "工作单位", "单位名称", "企业名称", "公司", "公司名称", "company"]),
        (ImportColumn.Title, ["职务", "title", "职位", "职称", "jobtitle", "position"]),
        (ImportColumn.Segments, ["分组", "segment", "segments", "类别", "分类", "组别", "group", "groups"]),
        (ImportColumn.District, ["区县", "district", "县区", "县(市、区)", "县市区", "地区", "所属区县", "county"]),
        (ImportColumn.Industries, ["行业", "industries", "industry", "关注行业", "所属行业", "产业"]),
        (ImportColumn.Status, ["状态", "status"]),
        (ImportColumn.Salutation, ["称呼", "salutation", "尊称"]),
        (ImportColumn.Reason, ["原因", "reason"]),
    ];

    private static readonly Dictionary<string, ImportColumn> Aliases =
        Synonyms.SelectMany(s => s.Names.Select(n => (Key: Fold(n), s.Column))).ToDictionary(p => p.Key, p => p.Column, StringComparer.Ordinal);

    /// <summary>The header names accepted, for messages: "邮箱/email, 姓名/name, …".</summary>
    public static string Describe() =>
        string.Join(", ", Synonyms.Where(s => s.Column != ImportColumn.Reason).Select(s => $"{s.Names[0]}/{s.Names[1]}"));

    /// <summary>The header names accepted for one column, for messages: "邮箱, email, 邮箱地址, …".</summary>
    public static string Describe(ImportColumn column) => string.Join(", ", Synonyms.First(s => s.Column == column).Names);

    public static bool TryMatch(string header, out ImportColumn column)
    {
        var folded = Fold(header);
        if (Aliases.TryGetValue(folded, out column)) return true;
        // "邮箱（必填）", "姓名*": a note after the name is common in templates handed out to fill in.
        var cut = folded.IndexOfAny(['(', '*', '[']);
        return cut > 0 && Aliases.TryGetValue(folded[..cut], out column);
    }

    /// <summary>The English header <see cref="SubscriberExporter"/> writes for the column.</summary>
    public static string EnglishName(ImportColumn column) => column switch
    {
        ImportColumn.Segments => "segments",
        _ => column.ToString().ToLowerInvariant(),
    };

    /// <summary>The Chinese header, for messages.</summary>
    public static string ChineseName(ImportColumn column) => Synonyms.First(s => s.Column == column).Names[0];

    private static string Fold(string header) =>
        string.Concat(FullWidth.Narrow(header).Where(c => !char.IsWhiteSpace(c) && c != '\uFEFF' && c != '_')).ToLowerInvariant()
            .Replace('（', '(').Replace('【', '[');
}
