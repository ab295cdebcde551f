using Newsletter.Core.Composition;

namespace Newsletter.Core.Tests.Composition;

public sealed class SlotTemplateTests
{
    private static readonly RecipientValues Values = new("王局长", "王建国 <script>", "wang@xuchang.gov.cn",
        "https://bulletin.example.org/u/abc?x=1&y=2", "https://bulletin.example.org/v/abc");

    [Fact]
    public void Slots_are_filled_in_order_and_literals_kept()
    {
        var template = SlotTemplate.Parse("尊敬的[[nl:salutation]]：您好。[[nl:email]]|[[nl:name]][[nl:view_url]]end");
        Assert.Equal([RecipientSlot.Salutation, RecipientSlot.Email, RecipientSlot.Name, RecipientSlot.ViewUrl], template.Slots);
        Assert.Equal("尊敬的王局长：您好。wang@xuchang.gov.cn|王建国 <script>https://bulletin.example.org/v/abcend",
            template.Render(Values, htmlEscape: false));
    }

    [Fact]
    public void Html_rendering_escapes_every_value()
    {
        var template = SlotTemplate.Parse("<a href=\"[[nl:unsubscribe_url]]\">[[nl:name]]</a>");
        Assert.Equal("<a href=\"https://bulletin.example.org/u/abc?x=1&amp;y=2\">王建国 &lt;script&gt;</a>", template.Render(Values, htmlEscape: true));
    }

    [Theory]
    [InlineData("no slots at all")]
    [InlineData("[[nl:unknown]] stays")]
    [InlineData("unterminated [[nl:salutation")]
    [InlineData("")]
    public void Text_without_known_markers_renders_unchanged(string source)
    {
        var template = SlotTemplate.Parse(source);
        Assert.Empty(template.Slots);
        Assert.Equal(source, template.Render(Values, htmlEscape: true));
        Assert.Equal(source, template.Source);
    }

    [Fact]
    public void A_marker_for_every_slot_round_trips()
    {
        foreach (var slot in Enum.GetValues<RecipientSlot>())
        {
            var template = SlotTemplate.Parse("x" + SlotTemplate.Marker(slot) + "y");
            Assert.Equal("x" + Values[slot] + "y", template.Render(Values, htmlEscape: false));
        }
    }
}
