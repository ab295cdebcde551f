using Newsletter.Core.Audience;

namespace Newsletter.Core.Tests.Audience;

public sealed class SegmentsTests
{
    private static readonly Segment[] Known = [.. Segments.BuiltIn, Segments.TestRecipientsSegment];

    [Theory]
    [InlineData("municipal", "municipal")]
    [InlineData(" Municipal ", "municipal")]
    [InlineData("市级领导", "municipal")]
    [InlineData("市级 领导", "municipal")]
    [InlineData("县级领导", "county")]
    [InlineData("重点企业", "enterprise")]
    [InlineData("KEY ENTERPRISES", "enterprise")]
    [InlineData("测试收件人", "test-recipients")]
    public void Resolves_keys_and_names(string input, string key) => Assert.Equal(key, Segments.Resolve(input, Known));

    [Theory]
    [InlineData("")]
    [InlineData("乡镇领导")]
    [InlineData("municipa")]
    public void Unknown_names_are_errors_listing_the_known(string input)
    {
        var e = Assert.Throws<AudienceException>(() => Segments.Resolve(input, Known));
        Assert.Contains("municipal (市级领导)", e.Message);
    }

    [Fact]
    public void Lists_split_on_chinese_and_ascii_separators() =>
        Assert.Equal(["市级领导", "county", "重点企业", "x"], Segments.SplitList(" 市级领导、county；重点企业 , x ,"));

    [Theory]
    [InlineData("test-recipients", true)]
    [InlineData("parks2", true)]
    [InlineData("Parks", false)]
    [InlineData("2parks", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void Key_syntax(string key, bool valid) => Assert.Equal(valid, Segments.IsValidKey(key));

    [Fact]
    public void Industries_are_the_six_three_three_list()
    {
        Assert.Equal(12, Industries.All.Count);
        Assert.True(Industries.TryResolve(" 新能源 汽车 ", out var i));
        Assert.Equal("新能源汽车", i);
        Assert.False(Industries.TryResolve("房地产", out _));
    }
}
