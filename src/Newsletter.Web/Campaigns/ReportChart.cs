using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Campaigns;

/// <summary>
/// The campaign report as an inline SVG bar chart: per segment three bars (sent, deferred, failed) on one scale.
/// No script and no library; every label is HTML-encoded.
/// </summary>
public static class ReportChart
{
    private const int LabelWidth = 130, BarMax = 360, RowHeight = 62, Width = 600;

    /// <param name="segmentName">The display name of a variant key.</param>
    /// <param name="labels">The names of the three series: sent, deferred, failed.</param>
    public static IHtmlContent Render(IReadOnlyList<VariantCounts> counts, Func<string, string> segmentName, (string Sent, string Deferred, string Failed) labels, string title)
    {
        var max = Math.Max(1, counts.Count == 0 ? 1 : counts.Max(c => Math.Max(c.Sent, Math.Max(c.Deferred, c.Failed))));
        var height = counts.Count * RowHeight + 8;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" aria-label=\"{E(title)}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < counts.Count; i++)
        {
            var row = counts[i];
            var y = i * RowHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 30}\" font-size=\"14\">{E(segmentName(row.Variant))}</text>");
            Bar(svg, y + 4, row.Sent, max, "#2e7d32", labels.Sent, "sent");
            Bar(svg, y + 22, row.Deferred, max, "#f9a825", labels.Deferred, "deferred");
            Bar(svg, y + 40, row.Failed, max, "#c62828", labels.Failed, "failed");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>The bar length for <paramref name="value"/>: proportional, at least 2 px when not zero.</summary>
    public static int Length(int value, int max) => value <= 0 ? 0 : Math.Max(2, (int)((long)value * BarMax / Math.Max(1, max)));

    private static void Bar(StringBuilder svg, int y, int value, int max, string color, string label, string series)
    {
        var length = Length(value, max);
        svg.Append(CultureInfo.InvariantCulture,
            $"<rect class=\"bar-{series}\" data-value=\"{value}\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{length}\" height=\"14\" fill=\"{color}\"><title>{E(label)} {value}</title></rect>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{LabelWidth + length + 6}\" y=\"{y + 12}\" font-size=\"12\">{E(label)} {value}</text>");
    }

    /// <summary>One bar of <see cref="RenderSeries"/>: its series key (the CSS class <c>bar-{Series}</c>), label, value and colour.</summary>
    public sealed record SeriesBar(string Series, string Label, int Value, string Color);

    /// <summary>
    /// Issue 21: any number of bars per row (a segment's figures, or one issue of the dashboard), all rows on one scale.
    /// </summary>
    public static IHtmlContent RenderSeries(IReadOnlyList<(string Label, IReadOnlyList<SeriesBar> Bars)> rows, string title)
    {
        const int BarHeight = 18;
        var max = Math.Max(1, rows.SelectMany(r => r.Bars).Select(b => b.Value).DefaultIfEmpty(0).Max());
        var heights = rows.Select(r => Math.Max(1, r.Bars.Count) * BarHeight + 12).ToList();
        var height = heights.Sum() + 8;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" aria-label=\"{E(title)}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        var y = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, bars) = rows[i];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 16}\" font-size=\"14\">{E(label)}</text>");
            for (var b = 0; b < bars.Count; b++)
            {
                Bar(svg, y + 4 + b * BarHeight, bars[b].Value, max, bars[b].Color, bars[b].Label, bars[b].Series);
            }
            y += heights[i];
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
