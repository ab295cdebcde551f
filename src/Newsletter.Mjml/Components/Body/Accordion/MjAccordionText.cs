using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Accordion;

/// <summary>mj-accordion-text: the collapsible content of an accordion element.</summary>
internal sealed class MjAccordionText : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-accordion-text",
    [
        "background-color", "color",
        "font-size", "unit(px)",
        "font-family", "string",
        "font-weight", "string",
        "letter-spacing", "unitWithNegative(px,em)",
        "line-height", "unit(px,%,)",
        "color", "color",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
    ],
    [
        "font-size", "13px",
        "line-height", "1",
        "padding", "16px",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjAccordionText(init),
    };

    private MjAccordionText(in ComponentInit init)
        : base(init)
    {
    }

    public override void Render(StringBuilder sb)
    {
        sb.Append("<div class=\"mj-accordion-content\"><table cellspacing=\"0\" cellpadding=\"0\"").BeginStyle()
            .Css("width", "100%").Css("border-bottom", GetAttribute("border")).EndStyle().Append("><tbody><tr><td")
            .Attr("class", GetAttribute("css-class")).BeginStyle()
            .Css("background", GetAttribute("background-color"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("font-family", MjAccordionTitle.ResolveFontFamily(this))
            .Css("font-weight", GetAttribute("font-weight"))
            .Css("letter-spacing", GetAttribute("letter-spacing"))
            .Css("line-height", GetAttribute("line-height"))
            .Css("color", GetAttribute("color"))
            .Css("padding", GetAttribute("padding"))
            .Css("padding-bottom", GetAttribute("padding-bottom"))
            .Css("padding-left", GetAttribute("padding-left"))
            .Css("padding-right", GetAttribute("padding-right"))
            .Css("padding-top", GetAttribute("padding-top"))
            .EndStyle().Append('>').Append(Content).Append("</td></tr></tbody></table></div>");
    }
}
