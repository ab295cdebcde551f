using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-text: a block of raw HTML text.</summary>
internal sealed class MjText : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-text",
    [
        "align", "enum(left,right,center,justify)",
        "background-color", "color",
        "color", "color",
        "container-background-color", "color",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-style", "string",
        "font-weight", "string",
        "height", "unit(px,%)",
        "letter-spacing", "unitWithNegative(px,em)",
        "line-height", "unit(px,%,)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "text-decoration", "string",
        "text-transform", "string",
        "vertical-align", "enum(top,bottom,middle)",
    ],
    [
        "align", "left",
        "color", "#000000",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "line-height", "1",
        "padding", "10px 25px",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjText(init),
    };

    private MjText(in ComponentInit init)
        : base(init)
    {
    }

    private void RenderContent(StringBuilder sb)
    {
        sb.Append("<div").BeginStyle()
            .Css("font-family", GetAttribute("font-family"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("font-style", GetAttribute("font-style"))
            .Css("font-weight", GetAttribute("font-weight"))
            .Css("letter-spacing", GetAttribute("letter-spacing"))
            .Css("line-height", GetAttribute("line-height"))
            .Css("text-align", GetAttribute("align"))
            .Css("text-decoration", GetAttribute("text-decoration"))
            .Css("text-transform", GetAttribute("text-transform"))
            .Css("color", GetAttribute("color"))
            .Css("height", GetAttribute("height"))
            .EndStyle().Append('>').Append(Content).Append("</div>");
    }

    public override void Render(StringBuilder sb)
    {
        var height = GetAttribute("height");
        if (!Js.Truthy(height))
        {
            RenderContent(sb);
            return;
        }
        sb.Append("<!--[if mso | IE]><table role=\"presentation\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td height=\"")
            .Append(height).Append("\" style=\"vertical-align:top;height:").Append(height).Append(";\"><![endif]-->");
        RenderContent(sb);
        sb.Append("<!--[if mso | IE]></td></tr></table><![endif]-->");
    }
}
