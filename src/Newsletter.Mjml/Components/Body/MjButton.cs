using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-button: a bulletproof link button.</summary>
internal sealed class MjButton : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-button",
    [
        "align", "enum(left,center,right)",
        "background-color", "color",
        "border-bottom", "string",
        "border-left", "string",
        "border-radius", "string",
        "border-right", "string",
        "border-top", "string",
        "border", "string",
        "color", "color",
        "container-background-color", "color",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-style", "string",
        "font-weight", "string",
        "height", "unit(px,%)",
        "href", "string",
        "name", "string",
        "title", "string",
        "inner-padding", "unit(px,%){1,4}",
        "letter-spacing", "unitWithNegative(px,em)",
        "line-height", "unit(px,%,)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "rel", "string",
        "target", "string",
        "text-decoration", "string",
        "text-transform", "string",
        "vertical-align", "enum(top,bottom,middle)",
        "text-align", "enum(left,right,center)",
        "width", "unit(px,%)",
    ],
    [
        "align", "center",
        "background-color", "#414141",
        "border", "none",
        "border-radius", "3px",
        "color", "#ffffff",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "font-weight", "normal",
        "inner-padding", "10px 25px",
        "line-height", "120%",
        "padding", "10px 25px",
        "target", "_blank",
        "text-decoration", "none",
        "text-transform", "none",
        "vertical-align", "middle",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjButton(init),
    };

    private MjButton(in ComponentInit init)
        : base(init)
    {
    }

    private string? CalculateAWidth(string? width)
    {
        if (!Js.Truthy(width)) return null;
        var (parsedWidth, unit) = Shorthand.Width(width!);
        if (unit != "px") return null;
        var borders = GetBoxWidths().Borders;
        var innerPaddings = GetShorthandAttrValue("inner-padding", "left") + GetShorthandAttrValue("inner-padding", "right");
        return Js.Num(parsedWidth - innerPaddings - borders) + "px";
    }

    public override void Render(StringBuilder sb)
    {
        var tag = Has("href") ? "a" : "p";
        var bg = GetAttribute("background-color");
        sb.Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"").BeginStyle()
            .Css("border-collapse", "separate").Css("width", GetAttribute("width")).Css("line-height", "100%")
            .EndStyle().Append("><tbody><tr><td align=\"center\"").Attr("bgcolor", bg == "none" ? null : bg)
            .Append(" role=\"presentation\"").BeginStyle()
            .Css("border", GetAttribute("border"))
            .Css("border-bottom", GetAttribute("border-bottom"))
            .Css("border-left", GetAttribute("border-left"))
            .Css("border-radius", GetAttribute("border-radius"))
            .Css("border-right", GetAttribute("border-right"))
            .Css("border-top", GetAttribute("border-top"))
            .Css("cursor", "auto")
            .Css("font-style", GetAttribute("font-style"))
            .Css("height", GetAttribute("height"))
            .Css("mso-padding-alt", GetAttribute("inner-padding"))
            .Css("text-align", GetAttribute("text-align"))
            .Css("background", bg)
            .EndStyle().Attr("valign", GetAttribute("vertical-align")).Append("><").Append(tag)
            .Attr("href", GetAttribute("href")).Attr("name", GetAttribute("name")).Attr("rel", GetAttribute("rel"))
            .Attr("title", GetAttribute("title")).BeginStyle()
            .Css("display", "inline-block")
            .Css("width", CalculateAWidth(GetAttribute("width")))
            .Css("background", bg)
            .Css("color", GetAttribute("color"))
            .Css("font-family", GetAttribute("font-family"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("font-style", GetAttribute("font-style"))
            .Css("font-weight", GetAttribute("font-weight"))
            .Css("line-height", GetAttribute("line-height"))
            .Css("letter-spacing", GetAttribute("letter-spacing"))
            .Css("margin", "0")
            .Css("text-decoration", GetAttribute("text-decoration"))
            .Css("text-transform", GetAttribute("text-transform"))
            .Css("padding", GetAttribute("inner-padding"))
            .Css("mso-padding-alt", "0px")
            .Css("border-radius", GetAttribute("border-radius"))
            .EndStyle().Attr("target", tag == "a" ? GetAttribute("target") : null)
            .Append('>').Append(Content).Append("</").Append(tag).Append("></td></tr></tbody></table>");
    }
}
