using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Carousel;

/// <summary>mj-carousel-image: one image of a carousel, with its radio button and thumbnail.</summary>
internal sealed class MjCarouselImage : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-carousel-image",
    [
        "alt", "string",
        "href", "string",
        "rel", "string",
        "target", "string",
        "title", "string",
        "src", "string",
        "thumbnails-src", "string",
        "border-radius", "string",
        "tb-border", "string",
        "tb-border-radius", "string",
    ],
    [
        "alt", "",
        "target", "_blank",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjCarouselImage(init),
    };

    private MjCarouselImage(in ComponentInit init)
        : base(init)
    {
    }

    public void RenderRadio(StringBuilder sb)
    {
        var carouselId = GetAttribute("carouselId") ?? "undefined";
        var n = Js.Num(Props.Index + 1);
        sb.Append("<input").Attr("class", "mj-carousel-radio mj-carousel-" + carouselId + "-radio mj-carousel-" + carouselId + "-radio-" + n)
            .Attr("checked", Props.Index == 0 ? "checked" : null).Attr("type", "radio").Attr("name", "mj-carousel-radio-" + carouselId)
            .Attr("id", "mj-carousel-" + carouselId + "-radio-" + n).Append(" style=\"display:none;mso-hide:all;\" />");
    }

    public void RenderThumbnail(StringBuilder sb)
    {
        var carouselId = GetAttribute("carouselId") ?? "undefined";
        var width = GetAttribute("tb-width");
        var n = Js.Num(Props.Index + 1);
        var cssClass = Html.SuffixCssClasses(GetAttribute("css-class"), "thumbnail");
        var thumbnails = Js.Truthy(GetAttribute("thumbnails")) ? GetAttribute("thumbnails") : Context.Thumbnails;
        var src = Has("thumbnails-src") ? GetAttribute("thumbnails-src") : GetAttribute("src");
        sb.Append("<a").BeginStyle()
            .Css("border", GetAttribute("tb-border"))
            .Css("border-radius", GetAttribute("tb-border-radius"))
            .Css("display", thumbnails == "supported" ? "none" : "inline-block")
            .Css("overflow", "hidden")
            .Css("width", width)
            .EndStyle().Attr("href", "#" + n).Attr("target", GetAttribute("target"))
            .Attr("class", "mj-carousel-thumbnail mj-carousel-" + carouselId + "-thumbnail mj-carousel-" + carouselId + "-thumbnail-" + n + " " + cssClass)
            .Append("><label").Attr("for", "mj-carousel-" + carouselId + "-radio-" + n)
            .Append("><img style=\"display:block;width:100%;height:auto;\"").Attr("src", src).Attr("alt", GetAttribute("alt"))
            .Attr("width", Js.ParseInt(width)).Append(" /></label></a>");
    }

    public override void Render(StringBuilder sb)
    {
        var containerWidth = Context.ContainerWidth;
        var index = Props.Index;
        var cssClass = Has("css-class") ? GetAttribute("css-class") : "";
        sb.Append("<div").Attr("class", "mj-carousel-image mj-carousel-image-" + Js.Num(index + 1) + " " + cssClass);
        sb.Append(index == 0 ? " style=\"\"" : " style=\"display:none;mso-hide:all;\"").Append('>');
        var href = GetAttribute("href");
        if (Js.Truthy(href)) sb.Append("<a").Attr("href", href).Attr("rel", GetAttribute("rel")).Attr("target", "_blank").Append('>');
        sb.Append("<img").Attr("title", GetAttribute("title")).Attr("src", GetAttribute("src")).Attr("alt", GetAttribute("alt")).BeginStyle()
            .Css("border-radius", GetAttribute("border-radius")).Css("display", "block").Css("width", containerWidth)
            .Css("max-width", "100%").Css("height", "auto").EndStyle()
            .Attr("width", Js.ParseInt(containerWidth)).Attr("border", "0").Append(" />");
        if (Js.Truthy(href)) sb.Append("</a>");
        sb.Append("</div>");
    }
}
