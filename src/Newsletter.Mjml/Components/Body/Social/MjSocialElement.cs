using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Social;

/// <summary>mj-social-element: one network's icon and label.</summary>
internal sealed class MjSocialElement : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-social-element",
    [
        "align", "enum(left,center,right)",
        "icon-position", "enum(left,right)",
        "background-color", "color",
        "color", "color",
        "border", "string",
        "border-radius", "string",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-style", "string",
        "font-weight", "string",
        "href", "string",
        "icon-size", "unit(px,%)",
        "icon-height", "unit(px,%)",
        "icon-padding", "unit(px,%){1,4}",
        "line-height", "unit(px,%,)",
        "name", "string",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "text-padding", "unit(px,%){1,4}",
        "rel", "string",
        "src", "string",
        "srcset", "string",
        "sizes", "string",
        "alt", "string",
        "title", "string",
        "target", "string",
        "text-decoration", "string",
        "vertical-align", "enum(top,middle,bottom)",
    ],
    [
        "alt", "",
        "align", "left",
        "icon-position", "left",
        "color", "#000",
        "border", "0",
        "border-radius", "3px",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "line-height", "1",
        "padding", "4px",
        "text-padding", "4px 4px 4px 0",
        "target", "_blank",
        "text-decoration", "none",
        "vertical-align", "middle",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjSocialElement(init),
    };

    private const string ImageBaseUrl = "https://www.mailjet.com/images/theme/v1/icons/ico-social/";

    private sealed record Network(string? ShareUrl, string BackgroundColor, string Src);

    private static readonly Dictionary<string, Network> Networks = BuildNetworks();

    private static Dictionary<string, Network> BuildNetworks()
    {
        var networks = new Dictionary<string, Network>(StringComparer.Ordinal)
        {
            ["facebook"] = new("https://www.facebook.com/sharer/sharer.php?u=[[URL]]", "#3b5998", ImageBaseUrl + "facebook.png"),
            ["twitter"] = new("https://twitter.com/intent/tweet?url=[[URL]]", "#55acee", ImageBaseUrl + "twitter.png"),
            ["x"] = new("https://twitter.com/intent/tweet?url=[[URL]]", "#000000", ImageBaseUrl + "twitter-x.png"),
            ["google"] = new("https://plus.google.com/share?url=[[URL]]", "#dc4e41", ImageBaseUrl + "google-plus.png"),
            ["pinterest"] = new("https://pinterest.com/pin/create/button/?url=[[URL]]&media=&description=", "#bd081c", ImageBaseUrl + "pinterest.png"),
            ["linkedin"] = new("https://www.linkedin.com/shareArticle?mini=true&url=[[URL]]&title=&summary=&source=", "#0077b5", ImageBaseUrl + "linkedin.png"),
            ["instagram"] = new(null, "#3f729b", ImageBaseUrl + "instagram.png"),
            ["web"] = new(null, "#4BADE9", ImageBaseUrl + "web.png"),
            ["snapchat"] = new(null, "#FFFA54", ImageBaseUrl + "snapchat.png"),
            ["youtube"] = new(null, "#EB3323", ImageBaseUrl + "youtube.png"),
            ["tumblr"] = new("https://www.tumblr.com/widgets/share/tool?canonicalUrl=[[URL]]", "#344356", ImageBaseUrl + "tumblr.png"),
            ["github"] = new(null, "#000000", ImageBaseUrl + "github.png"),
            ["xing"] = new("https://www.xing.com/app/user?op=share&url=[[URL]]", "#296366", ImageBaseUrl + "xing.png"),
            ["vimeo"] = new(null, "#53B4E7", ImageBaseUrl + "vimeo.png"),
            ["medium"] = new(null, "#000000", ImageBaseUrl + "medium.png"),
            ["soundcloud"] = new(null, "#EF7F31", ImageBaseUrl + "soundcloud.png"),
            ["dribbble"] = new(null, "#D95988", ImageBaseUrl + "dribbble.png"),
        };
        foreach (var (key, value) in networks.ToArray()) networks[key + "-noshare"] = value with { ShareUrl = "[[URL]]" };
        return networks;
    }

    private MjSocialElement(in ComponentInit init)
        : base(init)
    {
    }

    private string? Or(string attribute, string? fallback) => Has(attribute) ? GetAttribute(attribute) : fallback;

    public override void Render(StringBuilder sb)
    {
        Networks.TryGetValue(GetAttribute("name") ?? "", out var network);
        var href = GetAttribute("href");
        if (Js.Truthy(href) && network?.ShareUrl is { Length: > 0 } share)
        {
            var at = share.IndexOf("[[URL]]", StringComparison.Ordinal);
            href = share[..at] + href + share[(at + 7)..];
        }
        var iconSize = Or("icon-size", null);
        var iconHeight = Or("icon-height", null);
        var srcset = Or("srcset", null);
        var sizes = Or("sizes", null);
        var src = Or("src", network?.Src);
        var backgroundColor = Or("background-color", network?.BackgroundColor);
        var hasLink = Has("href");
        var rel = GetAttribute("rel");
        var target = GetAttribute("target");

        void MakeIcon(StringBuilder sb)
        {
            sb.Append("<td").BeginStyle()
                .Css("padding", GetAttribute("padding"))
                .Css("padding-top", GetAttribute("padding-top"))
                .Css("padding-right", GetAttribute("padding-right"))
                .Css("padding-bottom", GetAttribute("padding-bottom"))
                .Css("padding-left", GetAttribute("padding-left"))
                .Css("vertical-align", GetAttribute("vertical-align"))
                .EndStyle().Append("><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"").BeginStyle()
                .Css("background", backgroundColor)
                .Css("border-radius", GetAttribute("border-radius"))
                .Css("width", iconSize)
                .EndStyle().Append("><tbody><tr><td").BeginStyle()
                .Css("padding", GetAttribute("icon-padding"))
                .Css("font-size", "0")
                .Css("height", Js.Truthy(iconHeight) ? iconHeight : iconSize)
                .Css("vertical-align", "middle")
                .Css("width", iconSize)
                .EndStyle().Append('>');
            if (hasLink) sb.Append("<a").Attr("href", href).Attr("rel", rel).Attr("target", target).Append('>');
            sb.Append("<img").Attr("alt", GetAttribute("alt")).Attr("title", GetAttribute("title")).Attr("src", src)
                .BeginStyle().Css("border", GetAttribute("border")).Css("border-radius", GetAttribute("border-radius")).Css("display", "block").EndStyle()
                .Attr("width", Js.ParseInt(iconSize)).Attr("sizes", sizes).Attr("srcset", srcset).Append(" />");
            if (hasLink) sb.Append("</a>");
            sb.Append("</td></tr></tbody></table></td>");
        }

        void AppendTextStyle(StringBuilder sb) =>
            sb.BeginStyle()
                .Css("color", GetAttribute("color"))
                .Css("font-size", GetAttribute("font-size"))
                .Css("font-weight", GetAttribute("font-weight"))
                .Css("font-style", GetAttribute("font-style"))
                .Css("font-family", GetAttribute("font-family"))
                .Css("line-height", GetAttribute("line-height"))
                .Css("text-decoration", GetAttribute("text-decoration"))
                .EndStyle();

        void MakeContent(StringBuilder sb)
        {
            var content = Content;
            if (content.Length == 0) return;
            sb.Append("<td").BeginStyle().Css("vertical-align", "middle").Css("padding", GetAttribute("text-padding"))
                .Css("text-align", GetAttribute("align")).EndStyle().Append('>');
            if (hasLink)
            {
                sb.Append("<a").Attr("href", href);
                AppendTextStyle(sb);
                sb.Attr("rel", rel).Attr("target", target).Append('>');
            }
            else
            {
                sb.Append("<span");
                AppendTextStyle(sb);
                sb.Append('>');
            }
            sb.Append(content).Append(hasLink ? "</a>" : "</span>").Append("</td>");
        }

        sb.Append("<tr").Attr("class", GetAttribute("css-class")).Append('>');
        if (GetAttribute("icon-position") == "left")
        {
            MakeIcon(sb);
            MakeContent(sb);
        }
        else
        {
            MakeContent(sb);
            MakeIcon(sb);
        }
        sb.Append("</tr>");
    }
}
