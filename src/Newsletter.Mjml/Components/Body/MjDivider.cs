using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-divider: a horizontal rule.</summary>
internal sealed class MjDivider : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-divider",
    [
        "border-color", "color",
        "border-style", "string",
        "border-width", "unit(px)",
        "container-background-color", "color",
        "padding", "unit(px,%){1,4}",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "width", "unit(px,%)",
        "align", "enum(left,center,right)",
    ],
    [
        "border-color", "#000000",
        "border-style", "solid",
        "border-width", "4px",
        "padding", "10px 25px",
        "width", "100%",
        "align", "center",
    ])
    {
        CreateBody = init => new MjDivider(init),
    };

    private MjDivider(in ComponentInit init)
        : base(init)
    {
    }

    private void AppendP(StringBuilder sb, string? width)
    {
        var align = GetAttribute("align");
        var margin = align == "left" ? "0px" : align == "right" ? "0px 0px 0px auto" : "0px auto";
        sb.Css("border-top", JsJoin(GetAttribute("border-style"), GetAttribute("border-width"), GetAttribute("border-color")))
            .Css("font-size", "1px").Css("margin", margin).Css("width", width);
    }

    private static string JsJoin(string? a, string? b, string? c) => (a ?? "") + " " + (b ?? "") + " " + (c ?? "");

    private string GetOutlookWidth()
    {
        var containerWidth = Context.ContainerWidth;
        var paddingSize = GetShorthandAttrValue("padding", "left") + GetShorthandAttrValue("padding", "right");
        var width = GetAttribute("width") ?? "";
        var (parsedWidth, unit) = Shorthand.Width(width);
        return unit switch
        {
            "%" => Js.Num((Js.ParseInt(containerWidth) - paddingSize) * (parsedWidth / 100)) + "px",
            "px" => width,
            _ => Js.Num(Js.ParseInt(containerWidth) - paddingSize) + "px",
        };
    }

    public override void Render(StringBuilder sb)
    {
        sb.Append("<p").BeginStyle();
        AppendP(sb, GetAttribute("width"));
        var outlookWidth = GetOutlookWidth();
        sb.EndStyle().Append("></p><!--[if mso | IE]><table").Attr("align", GetAttribute("align"))
            .Append(" border=\"0\" cellpadding=\"0\" cellspacing=\"0\"").BeginStyle();
        AppendP(sb, outlookWidth);
        sb.EndStyle().Append(" role=\"presentation\"").Attr("width", outlookWidth)
            .Append("><tr><td style=\"height:0;line-height:0;\"> &nbsp;\n</td></tr></table><![endif]-->");
    }
}
