using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-body: the document body and its fixed-width container.</summary>
internal sealed class MjBody : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-body",
    [
        "width", "unit(px)",
        "background-color", "color",
        "id", "string",
    ],
    ["width", "600px"])
    {
        CreateBody = init => new MjBody(init),
    };

    private MjBody(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext() => Context with { ContainerWidth = GetAttribute("width") };

    public override void Render(StringBuilder sb)
    {
        var g = Session.Global;
        var bg = GetAttribute("background-color");
        sb.Append("<body").Attr("id", GetAttribute("id")).Attr("class", GetAttribute("css-class")).BeginStyle()
            .Css("word-spacing", "normal").Css("background-color", bg).EndStyle().Append('>');
        if (g.Preview.Length > 0)
        {
            sb.Append("<div style=\"display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;\">")
                .Append(g.Preview).Append("</div>");
        }
        sb.Append("<div");
        if (g.Title.Length > 0) sb.Attr("aria-label", g.Title);
        sb.Attr("aria-roledescription", "email").Attr("role", "article").Attr("lang", g.Lang).Attr("dir", g.Dir)
            .BeginStyle().Css("word-spacing", "normal").Css("background-color", bg).EndStyle().Append('>');
        RenderChildren(sb, DefaultRenderer);
        sb.Append("</div></body>");
    }
}
