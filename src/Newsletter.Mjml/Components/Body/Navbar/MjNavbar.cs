using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Navbar;

/// <summary>mj-navbar: a row of links with an optional hamburger menu on mobile.</summary>
internal sealed class MjNavbar : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-navbar",
    [
        "align", "enum(left,center,right)",
        "base-url", "string",
        "hamburger", "string",
        "ico-align", "enum(left,center,right)",
        "ico-open", "string",
        "ico-close", "string",
        "ico-color", "color",
        "ico-font-size", "unit(px,%)",
        "ico-font-family", "string",
        "ico-text-transform", "string",
        "ico-padding", "unit(px,%){1,4}",
        "ico-padding-left", "unit(px,%)",
        "ico-padding-top", "unit(px,%)",
        "ico-padding-right", "unit(px,%)",
        "ico-padding-bottom", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "padding-left", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-bottom", "unit(px,%)",
        "ico-text-decoration", "string",
        "ico-line-height", "unit(px,%,)",
    ],
    [
        "align", "center",
        "ico-align", "center",
        "ico-open", "&#9776;",
        "ico-close", "&#8855;",
        "ico-color", "#000000",
        "ico-font-size", "30px",
        "ico-font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "ico-text-transform", "uppercase",
        "ico-padding", "10px",
        "ico-text-decoration", "none",
        "ico-line-height", "30px",
    ])
    {
        CreateBody = init => new MjNavbar(init),
    };

    private MjNavbar(in ComponentInit init)
        : base(init)
    {
    }

    public override void RegisterHeadStyles() =>
        Session.Global.HeadStyle["mj-navbar"] = static breakpoint => """

      noinput.mj-menu-checkbox { display:block!important; max-height:none!important; visibility:visible!important; }

      @media only screen and (max-width:
""".TrimEnd('\n') + Breakpoints.Lower(breakpoint) + """
) {
        .mj-menu-checkbox[type="checkbox"] ~ .mj-inline-links { display:none!important; }
        .mj-menu-checkbox[type="checkbox"]:checked ~ .mj-inline-links,
        .mj-menu-checkbox[type="checkbox"] ~ .mj-menu-trigger { display:block!important; max-width:none!important; max-height:none!important; font-size:inherit!important; }
        .mj-menu-checkbox[type="checkbox"] ~ .mj-inline-links > a { display:block!important; }
        .mj-menu-checkbox[type="checkbox"]:checked ~ .mj-menu-trigger .mj-menu-icon-close { display:block!important; }
        .mj-menu-checkbox[type="checkbox"]:checked ~ .mj-menu-trigger .mj-menu-icon-open { display:none!important; }
      }

""";

    private void RenderHamburger(StringBuilder sb)
    {
        var labelKey = Session.NewId();
        sb.Append("<!--[if !mso]><!--><input type=\"checkbox\" id=\"").Append(labelKey)
            .Append("\" class=\"mj-menu-checkbox\" style=\"display:none !important; max-height:0; visibility:hidden;\" /><!--<![endif]-->")
            .Append("<div class=\"mj-menu-trigger\" style=\"display:none;max-height:0px;max-width:0px;font-size:0px;overflow:hidden;\"><label")
            .Attr("for", labelKey).Attr("class", "mj-menu-label").BeginStyle()
            .Css("display", "block")
            .Css("cursor", "pointer")
            .Css("mso-hide", "all")
            .Css("-moz-user-select", "none")
            .Css("user-select", "none")
            .Css("color", GetAttribute("ico-color"))
            .Css("font-size", GetAttribute("ico-font-size"))
            .Css("font-family", GetAttribute("ico-font-family"))
            .Css("text-transform", GetAttribute("ico-text-transform"))
            .Css("text-decoration", GetAttribute("ico-text-decoration"))
            .Css("line-height", GetAttribute("ico-line-height"))
            .Css("padding", GetAttribute("ico-padding"))
            .Css("padding-top", GetAttribute("ico-padding-top"))
            .Css("padding-right", GetAttribute("ico-padding-right"))
            .Css("padding-bottom", GetAttribute("ico-padding-bottom"))
            .Css("padding-left", GetAttribute("ico-padding-left"))
            .EndStyle().Attr("align", GetAttribute("ico-align"))
            .Append("><span class=\"mj-menu-icon-open\" style=\"mso-hide:all;\">").Append(GetAttribute("ico-open"))
            .Append("</span><span class=\"mj-menu-icon-close\" style=\"display:none;mso-hide:all;\">").Append(GetAttribute("ico-close"))
            .Append("</span></label></div>");
    }

    public override void Render(StringBuilder sb)
    {
        if (GetAttribute("hamburger") == "hamburger") RenderHamburger(sb);
        sb.Append("<div class=\"mj-inline-links\" style=\"\"><!--[if mso | IE]><table role=\"presentation\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" align=\"")
            .Append(GetAttribute("align")).Append("\"><tr><![endif]-->");
        var baseUrl = GetAttribute("base-url");
        KeyValuePair<string, string?>[]? passed = baseUrl is null ? null : [new("navbarBaseUrl", baseUrl)];
        RenderChildren(sb, DefaultRenderer, passed);
        sb.Append("<!--[if mso | IE]></tr></table><![endif]--></div>");
    }
}
