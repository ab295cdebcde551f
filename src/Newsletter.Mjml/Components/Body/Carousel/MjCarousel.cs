using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Carousel;

/// <summary>mj-carousel: an image carousel (radio-button hack) with thumbnails, the first image for Outlook.</summary>
internal sealed class MjCarousel : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-carousel",
    [
        "align", "enum(left,center,right)",
        "border-radius", "string",
        "container-background-color", "color",
        "icon-width", "unit(px,%)",
        "left-icon", "string",
        "padding", "unit(px,%){1,4}",
        "padding-top", "unit(px,%)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "right-icon", "string",
        "thumbnails", "enum(visible,hidden,supported)",
        "tb-border", "string",
        "tb-border-radius", "string",
        "tb-hover-border-color", "color",
        "tb-selected-border-color", "color",
        "tb-width", "unit(px,%)",
    ],
    [
        "align", "center",
        "border-radius", "6px",
        "icon-width", "44px",
        "left-icon", "https://i.imgur.com/xTh3hln.png",
        "right-icon", "https://i.imgur.com/os7o9kz.png",
        "thumbnails", "visible",
        "tb-border", "2px solid transparent",
        "tb-border-radius", "6px",
        "tb-hover-border-color", "#fead0d",
        "tb-selected-border-color", "#ccc",
    ])
    {
        CreateBody = init => new MjCarousel(init),
    };

    private readonly string _carouselId;

    private MjCarousel(in ComponentInit init)
        : base(init)
    {
        _carouselId = Session.NewId();
    }

    public override void RegisterHeadStyles() => Session.Global.ComponentsHeadStyle.Add((css, _) => HeadStyle(css));

    private static StringBuilder Repeat(StringBuilder sb, string s, int count)
    {
        for (var i = 0; i < count; i++) sb.Append(s);
        return sb;
    }

    /// <summary>
    /// <c>Array.from({length}, (_, i) => item(i)).join(',')</c> written straight into <paramref name="css"/> (a carousel
    /// of n images writes O(n²) characters here: no string per item).
    /// </summary>
    private static void JoinRange(StringBuilder css, int length, Action<StringBuilder, int> item, string separator = ",")
    {
        for (var i = 0; i < length; i++)
        {
            if (i > 0) css.Append(separator);
            item(css, i);
        }
    }

    /// <summary>The carousel's head style (mjml's componentHeadStyle), appended to <paramref name="css"/>.</summary>
    private void HeadStyle(StringBuilder css)
    {
        var length = Node.Children.Count;
        var id = _carouselId;
        if (length == 0) return;
        // "-radio-N:checked + * + * … + .mj-carousel-content ": the selector head most lists share.
        void Checked(StringBuilder sb, int i) =>
            Repeat(sb.Append(".mj-carousel-").Append(id).Append("-radio-").Append(i + 1).Append(":checked "), "+ * ", length - i - 1).Append("+ .mj-carousel-content ");
        css.Append("\n    .mj-carousel {\n      -webkit-user-select: none;\n      -moz-user-select: none;\n      user-select: none;\n    }\n\n    .mj-carousel-")
            .Append(id).Append("-icons-cell {\n      display: table-cell !important;\n      width: ").Append(GetAttribute("icon-width"))
            .Append(" !important;\n    }\n\n    .mj-carousel-radio,\n    .mj-carousel-next,\n    .mj-carousel-previous {\n      display: none !important;\n    }\n\n    .mj-carousel-thumbnail,\n    .mj-carousel-next,\n    .mj-carousel-previous {\n      touch-action: manipulation;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) => Repeat(sb.Append(".mj-carousel-").Append(id).Append("-radio:checked "), "+ * ", i).Append("+ .mj-carousel-content .mj-carousel-image"));
        css.Append(" {\n      display: none !important;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) =>
        {
            Checked(sb, i);
            sb.Append(".mj-carousel-image-").Append(i + 1);
        });
        css.Append(" {\n      display: block !important;\n    }\n\n    .mj-carousel-previous-icons,\n    .mj-carousel-next-icons,\n    ");
        JoinRange(css, length, (sb, i) =>
        {
            Checked(sb, i);
            sb.Append(".mj-carousel-next-").Append(((i + (1 % length) + length) % length) + 1);
        });
        css.Append(",\n    ");
        JoinRange(css, length, (sb, i) =>
        {
            Checked(sb, i);
            sb.Append(".mj-carousel-previous-").Append(((i - (1 % length) + length) % length) + 1);
        });
        css.Append(" {\n      display: block !important;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) =>
        {
            Checked(sb, i);
            sb.Append(".mj-carousel-").Append(id).Append("-thumbnail-").Append(i + 1);
        });
        css.Append(" {\n      border-color: ").Append(GetAttribute("tb-selected-border-color")).Append(" !important;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) =>
        {
            Checked(sb, i);
            sb.Append(".mj-carousel-").Append(id).Append("-thumbnail\n          ");
        });
        css.Append(" {\n      display: inline-block !important;\n    }\n\n    .mj-carousel-image img + div,\n    .mj-carousel-thumbnail img + div {\n      display: none !important;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) => Repeat(sb.Append(".mj-carousel-").Append(id).Append("-thumbnail:hover "), "+ * ", length - i - 1).Append("+ .mj-carousel-main .mj-carousel-image"));
        css.Append(" {\n      display: none !important;\n    }\n\n    .mj-carousel-thumbnail:hover {\n      border-color: ").Append(GetAttribute("tb-hover-border-color"))
            .Append(" !important;\n    }\n\n    ");
        JoinRange(css, length, (sb, i) =>
            Repeat(sb.Append(".mj-carousel-").Append(id).Append("-thumbnail-").Append(i + 1).Append(":hover "), "+ * ", length - i - 1)
                .Append("+ .mj-carousel-main .mj-carousel-image-").Append(i + 1));
        css.Append(" {\n      display: block !important;\n    }\n    ");
        css.Append("\n\n      .mj-carousel noinput { display:block !important; }\n      .mj-carousel noinput .mj-carousel-image-1 { display: block !important;  }\n      .mj-carousel noinput .mj-carousel-arrows,\n      .mj-carousel noinput .mj-carousel-thumbnails { display: none !important; }\n\n      [owa] .mj-carousel-thumbnail { display: none !important; }\n      \n      @media screen yahoo {\n          .mj-carousel-")
            .Append(id).Append("-icons-cell,\n          .mj-carousel-previous-icons,\n          .mj-carousel-next-icons {\n              display: none !important;\n          }\n\n          .mj-carousel-")
            .Append(id).Append("-radio-1:checked ");
        Repeat(css, "+ *", length - 1).Append("+ .mj-carousel-content .mj-carousel-").Append(id)
            .Append("-thumbnail-1 {\n              border-color: transparent;\n          }\n      }\n    ");
    }

    public override BodyContext GetChildContext() => Context with { Thumbnails = GetAttribute("thumbnails") };

    private string ThumbnailsWidth()
    {
        if (Node.Children.Count == 0) return "0";
        // mjml divides an undefined parentWidth, so the minimum is always 110px unless tb-width is set.
        return Has("tb-width") ? GetAttribute("tb-width")! : "110px";
    }

    private void GenerateControls(StringBuilder sb, string direction, string? icon)
    {
        var iconWidth = Js.ParseInt(GetAttribute("icon-width"));
        sb.Append("<td").Attr("class", "mj-carousel-" + _carouselId + "-icons-cell")
            .Append(" style=\"font-size:0px;display:none;mso-hide:all;padding:0px;\"><div")
            .Attr("class", "mj-carousel-" + direction + "-icons").Append(" style=\"display:none;mso-hide:all;\">");
        for (var i = 1; i <= Node.Children.Count; i++)
        {
            var n = Js.Num(i);
            sb.Append("<label").Attr("for", "mj-carousel-" + _carouselId + "-radio-" + n)
                .Attr("class", "mj-carousel-" + direction + " mj-carousel-" + direction + "-" + n)
                .Append("><img").Attr("src", icon).Attr("alt", direction).BeginStyle()
                .Css("display", "block").Css("width", GetAttribute("icon-width")).Css("height", "auto").EndStyle()
                .Attr("width", iconWidth).Append(" /></label>");
        }
        sb.Append("</div></td>");
    }

    public override void Render(StringBuilder sb)
    {
        var childContext = GetChildContext();
        sb.Append("<!--[if !mso]><!--><div class=\"mj-carousel\">");
        RenderChildren(sb, static (sb, c) => (c as MjCarouselImage)?.RenderRadio(sb),
            [new("carouselId", _carouselId)], childContext);
        sb.Append("<div").Attr("class", "mj-carousel-content mj-carousel-" + _carouselId + "-content")
            .Append(" style=\"display:table;width:100%;table-layout:fixed;text-align:center;font-size:0px;\">");
        if (GetAttribute("thumbnails") is "visible" or "supported")
        {
            RenderChildren(sb, static (sb, c) => (c as MjCarouselImage)?.RenderThumbnail(sb),
            [
                new("tb-border", GetAttribute("tb-border")),
                new("tb-border-radius", GetAttribute("tb-border-radius")),
                new("tb-width", ThumbnailsWidth()),
                new("carouselId", _carouselId),
            ], childContext);
        }
        sb.Append("<table style=\"caption-side:top;display:table-caption;table-layout:fixed;width:100%;\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" role=\"presentation\" class=\"mj-carousel-main\"><tbody><tr>");
        GenerateControls(sb, "previous", GetAttribute("left-icon"));
        sb.Append("<td style=\"padding:0px;\"><div class=\"mj-carousel-images\">");
        RenderChildren(sb, DefaultRenderer, [new("border-radius", GetAttribute("border-radius"))], childContext);
        sb.Append("</div></td>");
        GenerateControls(sb, "next", GetAttribute("right-icon"));
        sb.Append("</tr></tbody></table></div></div><!--<![endif]-->");
        if (Node.Children.Count > 0)
        {
            sb.Append("<!--[if mso]>");
            RenderChildren(sb, DefaultRenderer, [new("border-radius", GetAttribute("border-radius"))], childContext, [Node.Children[0]]);
            sb.Append("<![endif]-->");
        }
    }
}
