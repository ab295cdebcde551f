using Newsletter.Core.Delivery;
using Newsletter.Web.Campaigns;

namespace Newsletter.Web.Tests.Campaigns;

public sealed class ReportChartTests
{
    [Fact]
    public void Bars_are_proportional_on_one_scale_and_zero_is_no_bar()
    {
        Assert.Equal(360, ReportChart.Length(200, 200));
        Assert.Equal(180, ReportChart.Length(100, 200));
        Assert.Equal(2, ReportChart.Length(1, 1_000_000));
        Assert.Equal(0, ReportChart.Length(0, 200));
    }

    [Fact]
    public void Each_segment_has_its_three_bars_with_their_values_and_labels_are_escaped()
    {
        var counts = new List<VariantCounts> { new("municipal", 0, 10, 2, 1, 0), new("county", 0, 4, 0, 3, 0) };

        var svg = ReportChart.Render(counts, key => key == "county" ? "<b>县</b>" : "市级领导", ("已发送", "延迟", "失败"), "报告").ToString()!;

        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + svg);
        var bars = document.QuerySelectorAll("rect").Select(r => (r.GetAttribute("class"), r.GetAttribute("data-value"))).ToList();
        Assert.Equal([("bar-sent", "10"), ("bar-deferred", "2"), ("bar-failed", "1"), ("bar-sent", "4"), ("bar-deferred", "0"), ("bar-failed", "3")], bars);
        Assert.Contains("&lt;b&gt;县&lt;/b&gt;", svg);
        Assert.Empty(document.QuerySelectorAll("b"));
    }
}
