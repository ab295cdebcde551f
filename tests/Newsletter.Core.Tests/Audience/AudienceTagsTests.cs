using Newsletter.Core.Audience;

namespace Newsletter.Core.Tests.Audience;

public sealed class AudienceTagsTests
{
    [Fact]
    public void The_same_tags_in_any_order_spacing_or_repetition_are_one_filter()
    {
        var a = AudienceTags.Of(["禹州市", " 长葛市", "禹州市"], ["新材料"]);
        var b = AudienceTags.Of(["长葛市", "禹州市 "], ["新材料", "新材料"]);
        Assert.Equal(a, b);
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(["禹州市", "长葛市"], a.Districts);
        Assert.NotEqual(a, AudienceTags.Of(["禹州市"], ["新材料"]));
        // A district list and an industry list with the same words are different filters.
        Assert.NotEqual(AudienceTags.Of(["食品"], null), AudienceTags.Of(null, ["食品"]));
    }

    [Fact]
    public void No_tags_is_none_with_an_empty_key_and_narrows_nothing()
    {
        var none = AudienceTags.Of([" ", ""], null);
        Assert.True(none.IsEmpty);
        Assert.Equal("", none.Key);
        Assert.Equal(AudienceTags.None, none);
        var filter = none.For(["county"]);
        Assert.True(filter.Tags is null or { IsEmpty: true });
        Assert.Equal(["county"], filter.Segments);
    }

    [Fact]
    public void The_store_filter_carries_the_tags()
    {
        var filter = AudienceTags.Of(["魏都区"], ["发制品", "食品"]).For(["enterprise", "county"]);
        Assert.Equal(["魏都区"], filter.Tags?.Values(TagKind.District));
        Assert.Equal(["发制品", "食品"], filter.Tags?.Values(TagKind.Industry));
        Assert.Equal(["enterprise", "county"], filter.Segments);
        Assert.Equal("district 魏都区; industry 发制品, 食品", AudienceTags.Of(["魏都区"], ["食品", "发制品"]).Describe());
    }

    [Theory]
    [InlineData("魏都", "魏都区")]
    [InlineData("禹州", "禹州市")]
    public void An_unknown_district_is_refused_with_the_closest_known_one(string typed, string suggested)
    {
        var e = Assert.Throws<AudienceTagException>(() => AudienceTags.Resolve([typed], [], []));
        Assert.Contains($"'{typed}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggested}'", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Industries_must_be_of_the_6_3_3_list_and_districts_may_come_from_the_list_of_subscribers()
    {
        Assert.Throws<AudienceTagException>(() => AudienceTags.Resolve([], ["纺织"], []));
        Assert.Throws<AudienceTagException>(() => AudienceTags.Resolve(["尉氏县"], [], []));
        var tags = AudienceTags.Resolve(["尉氏县", "襄城 县"], ["节能 环保"], ["尉氏县"]);
        Assert.Equal(["尉氏县", "襄城县"], tags.Districts);
        Assert.Equal(["节能环保"], tags.Industries);
    }

    [Fact]
    public void Every_kind_is_in_the_key_and_the_description_by_its_definition()
    {
        var tags = AudienceTags.Of([new TagFilter(TagKind.Industry, ["食品"]), new TagFilter(TagKind.District, ["魏都区"]), new TagFilter(TagKind.Industry, ["发制品"])]);
        Assert.Equal(AudienceTags.Of(["魏都区"], ["发制品", "食品"]), tags);
        // Keys as campaigns store them: both kinds named, even without values.
        Assert.Equal("district=魏都区;industry=发制品,食品", tags.Key);
        Assert.Equal("district=;industry=食品", AudienceTags.Of(null, ["食品"]).Key);
        Assert.Equal(["魏都区", "发制品", "食品"], tags.AllValues);
        Assert.Equal([TagKind.District, TagKind.Industry], tags.Filters.Select(f => f.Kind));
        Assert.Same(Industries.All, TagKind.Industry.Known);
        Assert.Same(Districts.Xuchang, TagKind.District.Known);
    }
}
