using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Social;

/// <summary>mj-social: a row (or column) of social network links.</summary>
internal sealed class MjSocial : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-social",
    [
        "align", "enum(left,right,center)",
        "border", "string",
        "border-radius", "string",
        "container-background-color", "color",
        "color", "color",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-style", "string",
        "font-weight", "string",
        "icon-size", "unit(px,%)",
        "icon-height", "unit(px,%)",
        "icon-padding", "unit(px,%){1,4}",
        "inner-padding", "unit(px,%){1,4}",
        "line-height", "unit(px,%,)",
        "mode", "enum(horizontal,vertical)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "table-layout", "enum(auto,fixed)",
        "text-padding", "unit(px,%){1,4}",
        "text-decoration", "string",
        "vertical-align", "enum(top,bottom,middle)",
    ],
    [
        "align", "center",
        "border-radius", "3px",
        "color", "#333333",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "icon-size", "20px",
        "line-height", "22px",
        "mode", "horizontal",
        "padding", "10px 25px",
        "text-decoration", "none",
    ])
    {
        CreateBody = init => new MjSocial(init),
    };

    private static readonly string[] InheritedAttributes =
    [
        "border", "border-radius", "color", "font-family", "font-size", "font-weight", "font-style", "icon-size", "icon-height",
        "icon-padding", "text-padding", "line-height", "text-decoration",
    ];

    private MjSocial(in ComponentInit init)
        : base(init)
    {
    }

    private List<KeyValuePair<string, string?>> GetSocialElementAttributes()
    {
        var result = new List<KeyValuePair<string, string?>>();
        if (Has("inner-padding")) result.Add(new("padding", GetAttribute("inner-padding")!));
        foreach (var name in InheritedAttributes)
        {
            if (GetAttribute(name) is { } value) result.Add(new(name, value));
        }
        return result;
    }

    public override void Render(StringBuilder sb)
    {
        if (GetAttribute("mode") == "horizontal")
        {
            var align = GetAttribute("align");
            sb.Append("<!--[if mso | IE]><table").Attr("align", align)
                .Append(" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"><tr><![endif]-->");
            RenderChildren(sb, (sb, component) =>
            {
                if (component.IsRawElement)
                {
                    component.Render(sb);
                    return;
                }
                sb.Append("<!--[if mso | IE]><td><![endif]--><table").Attr("align", align)
                    .Append(" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" style=\"float:none;display:inline-table;\"><tbody>");
                component.Render(sb);
                sb.Append("</tbody></table><!--[if mso | IE]></td><![endif]-->");
            }, GetSocialElementAttributes());
            sb.Append("<!--[if mso | IE]></tr></table><![endif]-->");
            return;
        }
        sb.Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" style=\"margin:0px;\"><tbody>");
        RenderChildren(sb, DefaultRenderer, GetSocialElementAttributes());
        sb.Append("</tbody></table>");
    }
}
