using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Accordion;

/// <summary>mj-accordion-title: the clickable title with its open/close icons.</summary>
internal sealed class MjAccordionTitle : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-accordion-title",
    [
        "background-color", "color",
        "color", "color",
        "font-size", "unit(px)",
        "font-family", "string",
        "font-weight", "string",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
    ],
    [
        "font-size", "13px",
        "padding", "16px",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjAccordionTitle(init),
    };

    private MjAccordionTitle(in ComponentInit init)
        : base(init)
    {
    }

    /// <summary>The element's own font-family, else the accordion element's, else the accordion's.</summary>
    internal static string? ResolveFontFamily(BodyComponent component)
    {
        if (component.Node.GetAttribute("font-family") is not null) return component.GetAttribute("font-family");
        if (Js.Truthy(component.Context.ElementFontFamily)) return component.Context.ElementFontFamily;
        if (Js.Truthy(component.Context.AccordionFontFamily)) return component.Context.AccordionFontFamily;
        return null;
    }

    private void RenderTitle(StringBuilder sb)
    {
        sb.Append("<td").Attr("class", GetAttribute("css-class")).BeginStyle()
            .Css("width", "100%")
            .Css("background-color", GetAttribute("background-color"))
            .Css("color", GetAttribute("color"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("font-family", ResolveFontFamily(this))
            .Css("font-weight", GetAttribute("font-weight"))
            .Css("padding", GetAttribute("padding"))
            .Css("padding-bottom", GetAttribute("padding-bottom"))
            .Css("padding-left", GetAttribute("padding-left"))
            .Css("padding-right", GetAttribute("padding-right"))
            .Css("padding-top", GetAttribute("padding-top"))
            .EndStyle().Append('>').Append(Content).Append("</td>");
    }

    private void RenderIcons(StringBuilder sb)
    {
        sb.Append("<!--[if !mso | IE]><!--><td class=\"mj-accordion-ico\"").BeginStyle()
            .Css("padding", "16px").Css("background", GetAttribute("background-color")).Css("vertical-align", GetAttribute("icon-align"))
            .EndStyle().Append("><img").Attr("src", GetAttribute("icon-wrapped-url")).Attr("alt", GetAttribute("icon-wrapped-alt"))
            .Attr("class", "mj-accordion-more").BeginStyle();
        AppendImg(sb);
        sb.EndStyle().Append(" /><img").Attr("src", GetAttribute("icon-unwrapped-url")).Attr("alt", GetAttribute("icon-unwrapped-alt"))
            .Attr("class", "mj-accordion-less").BeginStyle();
        AppendImg(sb);
        sb.EndStyle().Append(" /></td><!--<![endif]-->");
    }

    private void AppendImg(StringBuilder sb) =>
        sb.Css("display", "none").Css("width", GetAttribute("icon-width")).Css("height", GetAttribute("icon-height"));

    public override void Render(StringBuilder sb)
    {
        sb.Append("<div class=\"mj-accordion-title\"><table cellspacing=\"0\" cellpadding=\"0\"").BeginStyle()
            .Css("width", "100%").Css("border-bottom", GetAttribute("border")).EndStyle().Append("><tbody><tr>");
        if (GetAttribute("icon-position") == "right")
        {
            RenderTitle(sb);
            RenderIcons(sb);
        }
        else
        {
            RenderIcons(sb);
            RenderTitle(sb);
        }
        sb.Append("</tr></tbody></table></div>");
    }
}
