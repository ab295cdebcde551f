using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Navbar;

/// <summary>mj-navbar-link: one link of a navbar.</summary>
internal sealed class MjNavbarLink : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-navbar-link",
    [
        "color", "color",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-style", "string",
        "font-weight", "string",
        "href", "string",
        "name", "string",
        "target", "string",
        "rel", "string",
        "letter-spacing", "unitWithNegative(px,em)",
        "line-height", "unit(px,%,)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "text-decoration", "string",
        "text-transform", "string",
    ],
    [
        "color", "#000000",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "font-weight", "normal",
        "line-height", "22px",
        "padding", "15px 10px",
        "target", "_blank",
        "text-decoration", "none",
        "text-transform", "uppercase",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjNavbarLink(init),
    };

    private MjNavbarLink(in ComponentInit init)
        : base(init)
    {
    }

    private StringBuilder AppendPadding(StringBuilder sb) =>
        sb.Css("padding", GetAttribute("padding"))
            .Css("padding-top", GetAttribute("padding-top"))
            .Css("padding-left", GetAttribute("padding-left"))
            .Css("padding-right", GetAttribute("padding-right"))
            .Css("padding-bottom", GetAttribute("padding-bottom"));

    public override void Render(StringBuilder sb)
    {
        sb.Append("<!--[if mso | IE]><td").BeginStyle();
        AppendPadding(sb).EndStyle().Attr("class", Html.SuffixCssClasses(GetAttribute("css-class"), "outlook")).Append("><![endif]-->");
        var href = GetAttribute("href");
        var baseUrl = GetAttribute("navbarBaseUrl");
        var link = Js.Truthy(baseUrl) ? baseUrl + (href ?? "undefined") : href;
        var cssClass = Has("css-class") ? " " + GetAttribute("css-class") : "";
        sb.Append("<a").Attr("class", "mj-link" + cssClass).Attr("href", link).Attr("rel", GetAttribute("rel"))
            .Attr("target", GetAttribute("target")).Attr("name", GetAttribute("name")).BeginStyle()
            .Css("display", "inline-block")
            .Css("color", GetAttribute("color"))
            .Css("font-family", GetAttribute("font-family"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("font-style", GetAttribute("font-style"))
            .Css("font-weight", GetAttribute("font-weight"))
            .Css("letter-spacing", GetAttribute("letter-spacing"))
            .Css("line-height", GetAttribute("line-height"))
            .Css("text-decoration", GetAttribute("text-decoration"))
            .Css("text-transform", GetAttribute("text-transform"));
        AppendPadding(sb).EndStyle().Append('>').Append(Content).Append("</a><!--[if mso | IE]></td><![endif]-->");
    }
}
