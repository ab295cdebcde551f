namespace Newsletter.Testing;

/// <summary>
/// A Word bulletin with a data table inside an article, as the institute's editors send them: a 5-column table of
/// projects with a bold cell, a link, text that must be escaped and long unbroken numbers and URLs.
/// </summary>
public static class TableBulletin
{
    /// <summary>The header row.</summary>
    public static readonly string[] Header = ["序号", "企业名称", "项目", "投资额（亿元）", "进展"];

    /// <summary>A cell that must come out escaped in HTML.</summary>
    public const string Escaped = "<script>alert(1)</script> & “引号”";

    /// <summary>A cell of one long unbroken token, which must wrap rather than widen the table.</summary>
    public const string LongToken = "https://www.xuchang.gov.cn/zwgk/tzgg/2024/0915/project-list-attachment-0001.xlsx";

    /// <summary>The document: heading-styled section and article, a paragraph, the table, a closing paragraph.</summary>
    public static DocxBuilder Document() => new DocxBuilder()
        .Paragraph("2024年第9期")
        .Heading(1, "行业动态")
        .Heading(2, "许昌市2024年重点工业项目进展一览")
        .Paragraph("据市发展改革委统计，重点工业项目进展如下：")
        .RichTable(
            [.. Header.Select(h => new[] { new DocxRun(h) })],
            [["1"], ["许继集团有限公司"], [new DocxRun("特高压换流阀", Bold: true), "扩产"], ["12.5"], ["已投产"]],
            [["2"], ["河南黄河旋风股份有限公司"], [Escaped], ["8"], [new DocxRun("详情", Url: "https://www.xuchang.gov.cn/a?b=1&c=2")]],
            [["3"], ["瑞贝卡"], [LongToken], ["1234567890123456"], ["在建"]])
        .Paragraph("以上数据来自市发展改革委。");
}
