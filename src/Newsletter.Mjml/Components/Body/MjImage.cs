using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-image: a responsive image, optionally linked.</summary>
internal sealed class MjImage : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-image",
    [
        "alt", "string",
        "href", "string",
        "name", "string",
        "src", "string",
        "srcset", "string",
        "sizes", "string",
        "title", "string",
        "rel", "string",
        "align", "enum(left,center,right)",
        "border", "string",
        "border-bottom", "string",
        "border-left", "string",
        "border-right", "string",
        "border-top", "string",
        "border-radius", "string",
        "container-background-color", "color",
        "fluid-on-mobile", "boolean",
        "padding", "unit(px,%){1,4}",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "target", "string",
        "width", "unit(px)",
        "height", "unit(px,auto)",
        "max-height", "unit(px,%)",
        "font-size", "unit(px)",
        "usemap", "string",
    ],
    [
        "alt", "",
        "align", "center",
        "border", "0",
        "height", "auto",
        "padding", "10px 25px",
        "target", "_blank",
        "font-size", "13px",
    ])
    {
        CreateBody = init => new MjImage(init),
    };

    private MjImage(in ComponentInit init)
        : base(init)
    {
    }

    public override void RegisterHeadStyles() =>
        Session.Global.HeadStyle["mj-image"] = static breakpoint =>
            "\n    @media only screen and (max-width:" + Breakpoints.Lower(breakpoint) + ") {\n      table.mj-full-width-mobile { width: 100% !important; }\n      td.mj-full-width-mobile { width: auto !important; }\n    }\n  ";

    private double GetContentWidth()
    {
        var width = Has("width") ? Js.ParseInt(GetAttribute("width")) : double.PositiveInfinity;
        var box = GetBoxWidths().Box;
        // lodash min([box, width]) skips NaN.
        if (double.IsNaN(box)) return width;
        if (double.IsNaN(width)) return box;
        return width < box ? width : box;
    }

    public override void Render(StringBuilder sb)
    {
        var contentWidth = GetContentWidth();
        var fullWidth = GetAttribute("full-width") == "full-width";
        var (parsedWidth, unit) = Shorthand.Width(Js.Num(contentWidth));
        var widthString = Js.Num(parsedWidth) + unit;
        var fluid = Has("fluid-on-mobile") ? "mj-full-width-mobile" : null;

        sb.Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"").BeginStyle()
            .Css("min-width", fullWidth ? "100%" : null)
            .Css("max-width", fullWidth ? "100%" : null)
            .Css("width", fullWidth ? widthString : null)
            .Css("border-collapse", "collapse")
            .Css("border-spacing", "0px")
            .EndStyle().Attr("class", fluid)
            .Append("><tbody><tr><td").BeginStyle().Css("width", fullWidth ? null : widthString).EndStyle().Attr("class", fluid).Append('>');

        var href = GetAttribute("href");
        if (Js.Truthy(href))
        {
            sb.Append("<a").Attr("href", href).Attr("target", GetAttribute("target")).Attr("rel", GetAttribute("rel"))
                .Attr("name", GetAttribute("name")).Attr("title", GetAttribute("title")).Append('>');
        }
        var height = GetAttribute("height");
        sb.Append("<img").Attr("alt", GetAttribute("alt")).Attr("src", GetAttribute("src")).Attr("srcset", GetAttribute("srcset"))
            .Attr("sizes", GetAttribute("sizes")).BeginStyle()
            .Css("border", GetAttribute("border"))
            .Css("border-left", GetAttribute("border-left"))
            .Css("border-right", GetAttribute("border-right"))
            .Css("border-top", GetAttribute("border-top"))
            .Css("border-bottom", GetAttribute("border-bottom"))
            .Css("border-radius", GetAttribute("border-radius"))
            .Css("display", "block")
            .Css("outline", "none")
            .Css("text-decoration", "none")
            .Css("height", height)
            .Css("max-height", GetAttribute("max-height"))
            .Css("min-width", fullWidth ? "100%" : null)
            .Css("width", "100%")
            .Css("max-width", fullWidth ? "100%" : null)
            .Css("font-size", GetAttribute("font-size"))
            .EndStyle()
            .Attr("title", GetAttribute("title"))
            .Attr("width", contentWidth)
            .Attr("usemap", GetAttribute("usemap"));
        if (Js.Truthy(height)) sb.Attr("height", height == "auto" ? height : Js.Num(Js.ParseInt(height)));
        sb.Append(" />");
        if (Js.Truthy(href)) sb.Append("</a>");
        sb.Append("</td></tr></tbody></table>");
    }
}
