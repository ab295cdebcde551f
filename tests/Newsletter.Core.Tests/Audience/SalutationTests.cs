using Newsletter.Core.Audience;

namespace Newsletter.Core.Tests.Audience;

public sealed class SalutationTests
{
    [Theory]
    [InlineData("王建国", "局长", "尊敬的王局长")]
    [InlineData("王建国", "副局长", "尊敬的王副局长")]
    [InlineData("欧阳明", "主任", "尊敬的欧阳主任")]
    [InlineData("司马光", "董事长", "尊敬的司马董事长")]
    [InlineData("诸葛亮亮", "总经理", "尊敬的诸葛总经理")]
    [InlineData("上官婉儿", "处长", "尊敬的上官处长")]
    [InlineData("李娜", "党组书记、局长", "尊敬的李党组书记")]
    [InlineData(" 张伟 ", " 县长 ", "尊敬的张县长")]
    public void Surname_and_title(string name, string title, string expected) =>
        Assert.Equal(expected, Salutation.Derive(name, title));

    [Theory]
    [InlineData("王建国", null, "尊敬的王建国")]
    [InlineData("王建国", "  ", "尊敬的王建国")]
    [InlineData("John Smith", "Director", "尊敬的John Smith")]
    public void Without_a_usable_title_the_whole_name(string name, string? title, string expected) =>
        Assert.Equal(expected, Salutation.Derive(name, title));

    [Fact]
    public void Two_character_name_with_a_compound_looking_start_keeps_one_character_surname() =>
        // A two-character name is surname + given name, even when it spells a compound surname.
        Assert.Equal("欧", Salutation.Surname("欧阳"));
}
