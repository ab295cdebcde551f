using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-hero: a full-width block over a background image (VML for Outlook).</summary>
internal sealed class MjHero : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-hero",
    [
        "mode", "string",
        "height", "unit(px,%)",
        "background-url", "string",
        "background-width", "unit(px,%)",
        "background-height", "unit(px,%)",
        "background-position", "string",
        "border-radius", "string",
        "inner-background-color", "color",
        "inner-padding", "unit(px,%){1,4}",
        "inner-padding-top", "unit(px,%)",
        "inner-padding-left", "unit(px,%)",
        "inner-padding-right", "unit(px,%)",
        "inner-padding-bottom", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "background-color", "color",
        "vertical-align", "enum(top,bottom,middle)",
    ],
    [
        "mode", "fixed-height",
        "height", "0px",
        "background-position", "center center",
        "padding", "0px",
        "background-color", "#ffffff",
        "vertical-align", "top",
    ])
    {
        CreateBody = init => new MjHero(init),
    };

    private MjHero(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext()
    {
        var paddingSize = GetShorthandAttrValue("padding", "left") + GetShorthandAttrValue("padding", "right");
        return Context with { ContainerWidth = Js.Num(Js.ParseFloat(Context.ContainerWidth) - paddingSize) + "px" };
    }

    private string GetBackground()
    {
        var parts = new List<string>(4);
        if (Has("background-color")) parts.Add(GetAttribute("background-color")!);
        if (Has("background-url"))
        {
            parts.Add("url('" + GetAttribute("background-url") + "')");
            parts.Add("no-repeat");
            parts.Add(GetAttribute("background-position") + " / cover");
        }
        return string.Join(' ', parts);
    }

    private void AppendInnerPadding(StringBuilder sb) =>
        sb.Css("padding", GetAttribute("inner-padding"))
            .Css("padding-top", GetAttribute("inner-padding-top"))
            .Css("padding-left", GetAttribute("inner-padding-left"))
            .Css("padding-right", GetAttribute("inner-padding-right"))
            .Css("padding-bottom", GetAttribute("inner-padding-bottom"));

    private void RenderContent(StringBuilder sb)
    {
        var current = GetChildContext().ContainerWidth;
        sb.Append("<!--[if mso | IE]><table").Attr("align", GetAttribute("align"))
            .Append(" border=\"0\" cellpadding=\"0\" cellspacing=\"0\"").BeginStyle().Css("width", current).EndStyle()
            .Attr("width", Js.ParseInt(current)).Append("><tr><td").BeginStyle()
            .Css("background-color", GetAttribute("inner-background-color"));
        AppendInnerPadding(sb);
        sb.EndStyle().Append("><![endif]--><div").Attr("align", GetAttribute("align")).Attr("class", "mj-hero-content").BeginStyle()
            .Css("background-color", GetAttribute("inner-background-color"))
            .Css("float", GetAttribute("align"))
            .Css("margin", "0px auto")
            .Css("width", GetAttribute("width"));
        AppendInnerPadding(sb);
        sb.EndStyle().Append("><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" style=\"width:100%;margin:0px;\"><tbody><tr><td style=\"\">")
            .Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" style=\"width:100%;margin:0px;\"><tbody>");
        RenderChildren(sb, static (sb, component) => MjColumn.RenderChildRow(sb, component, backgroundAttribute: true));
        sb.Append("</tbody></table></td></tr></tbody></table></div><!--[if mso | IE]></td></tr></table><![endif]-->");
    }

    private void AppendCommonStyle(StringBuilder sb) =>
        sb.Css("background", GetBackground())
            .Css("background-position", GetAttribute("background-position"))
            .Css("background-repeat", "no-repeat")
            .Css("border-radius", GetAttribute("border-radius"))
            .Css("padding", GetAttribute("padding"))
            .Css("padding-top", GetAttribute("padding-top"))
            .Css("padding-left", GetAttribute("padding-left"))
            .Css("padding-right", GetAttribute("padding-right"))
            .Css("padding-bottom", GetAttribute("padding-bottom"))
            .Css("vertical-align", GetAttribute("vertical-align"));

    private void RenderMode(StringBuilder sb)
    {
        if (GetAttribute("mode") == "fluid-height")
        {
            var ratio = Js.Round(Js.ParseInt(GetAttribute("background-height")) / Js.ParseInt(GetAttribute("background-width")) * 100);
            var magic = "<td style=\"width:0.01%;padding-bottom:" + Js.Num(ratio) + "%;mso-padding-bottom-alt:0;\" />";
            sb.Append(magic).Append("<td").Attr("background", GetAttribute("background-url")).BeginStyle();
            AppendCommonStyle(sb);
            sb.EndStyle().Append('>');
            RenderContent(sb);
            sb.Append("</td>").Append(magic);
            return;
        }
        var height = Js.ParseInt(GetAttribute("height")) - GetShorthandAttrValue("padding", "top") - GetShorthandAttrValue("padding", "bottom");
        sb.Append("<td").Attr("background", GetAttribute("background-url")).BeginStyle();
        AppendCommonStyle(sb);
        sb.Css("height", Js.Num(height) + "px").EndStyle().Attr("height", height).Append('>');
        RenderContent(sb);
        sb.Append("</td>");
    }

    public override void Render(StringBuilder sb)
    {
        var containerWidth = Context.ContainerWidth;
        var bgWidth = GetAttribute("background-width");
        sb.Append("<!--[if mso | IE]><table align=\"center\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"")
            .BeginStyle().Css("width", containerWidth).EndStyle().Attr("width", Js.ParseInt(containerWidth))
            .Append("><tr><td style=\"line-height:0;font-size:0;mso-line-height-rule:exactly;\"><v:image").BeginStyle()
            .Css("border", "0")
            .Css("height", GetAttribute("background-height"))
            .Css("mso-position-horizontal", "center")
            .Css("position", "absolute")
            .Css("top", "0")
            .Css("width", Js.Truthy(bgWidth) ? bgWidth : containerWidth)
            .Css("z-index", "-3")
            .EndStyle().Attr("src", GetAttribute("background-url")).Attr("xmlns:v", "urn:schemas-microsoft-com:vml")
            .Append(" /><![endif]--><div").Attr("align", GetAttribute("align")).Attr("class", GetAttribute("css-class"))
            .BeginStyle().Css("margin", "0 auto").Css("max-width", containerWidth).EndStyle()
            .Append("><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" style=\"width:100%;\"><tbody><tr style=\"vertical-align:top;\">");
        RenderMode(sb);
        sb.Append("</tr></tbody></table></div><!--[if mso | IE]></td></tr></table><![endif]-->");
    }
}
