using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Figures;

/// <summary>
/// The figures of one campaign as an .xlsx workbook for the director's report: sheet 数据 (one row per segment and a
/// total row, headers in Chinese with the JSON name), and for a tracked campaign sheet 链接 (clicks per link).
/// Text cells are inline strings, so nothing a title contains is ever read as a formula.
/// </summary>
public static class FiguresWorkbook
{
    /// <summary>The columns of sheet 数据 after the segment: Chinese header and the JSON name.</summary>
    public static IReadOnlyList<(string Zh, string Name)> Columns { get; } =
    [
        ("收件人", "recipients"), ("已投递", "delivered"), ("延迟重试", "deferred"), ("失败", "failed"), ("退信", "bounced"),
        ("7日内退订", "unsubscribed"), ("网页查看", "webViews"),
    ];

    public static IReadOnlyList<(string Zh, string Name)> TrackedColumns { get; } =
        [("打开", "opens"), ("仅代理打开", "proxyOpens"), ("点击人数", "clicks")];

    /// <param name="segmentName">The display name of a segment key (e.g. 市级领导).</param>
    public static void Write(Stream output, Campaign campaign, CampaignFigures figures, Func<string, string> segmentName, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(figures);
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook(new Sheets());
        var sheets = workbook.Workbook.Sheets!;

        var rows = new List<IReadOnlyList<object>>
        {
            new object[] { $"{campaign.Title}（{campaign.IssueKey}）" },
            new object[] { "首次发送 first send", figures.FirstSentAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "—" },
            new object[] { "导出时间 exported", generatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) },
            new object[] { "阅读统计 tracking", figures.Tracking ? "开启 on" : "关闭 off（不统计打开与点击）" },
            Array.Empty<object>(),
        };
        var columns = figures.Tracking ? Columns.Concat(TrackedColumns).ToList() : Columns.ToList();
        rows.Add(["分组 segment", .. columns.Select(c => (object)$"{c.Zh} {c.Name}")]);
        foreach (var segment in figures.Segments)
        {
            rows.Add([segmentName(segment.Segment), .. Values(segment.Figures, figures.Tracking)]);
        }
        rows.Add(["合计 total", .. Values(figures.Total, figures.Tracking)]);
        AddSheet(workbook, sheets, 1, "数据", rows);

        if (figures.Tracking)
        {
            var links = new List<IReadOnlyList<object>> { new object[] { "分组 segment", "链接 link", "文字 text", "网址 url", "点击人数 recipients", "点击次数 clicks" } };
            foreach (var segment in figures.Segments)
            {
                foreach (var link in segment.Figures.Tracked?.Links ?? [])
                {
                    links.Add([segmentName(segment.Segment), link.Link, link.Text, link.Url, link.Recipients, link.Clicks]);
                }
            }
            AddSheet(workbook, sheets, 2, "链接", links);
        }
        workbook.Workbook.Save();
    }

    private static IEnumerable<object> Values(FigureCounts f, bool tracking)
    {
        object[] values = [f.Recipients, f.Delivered, f.Deferred, f.Failed, f.Bounced, f.Unsubscribed, f.WebViews];
        return tracking ? [.. values, f.Tracked?.Opens ?? 0, f.Tracked?.ProxyOpens ?? 0, f.Tracked?.Clicks ?? 0] : values;
    }

    private static void AddSheet(WorkbookPart workbook, Sheets sheets, uint id, string name, IEnumerable<IReadOnlyList<object>> rows)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        foreach (var values in rows)
        {
            var row = new Row();
            foreach (var value in values)
            {
                row.Append(value is int or long
                    ? new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!) }
                    : new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")) });
            }
            data.Append(row);
        }
        part.Worksheet = new Worksheet(data);
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = name });
    }
}
