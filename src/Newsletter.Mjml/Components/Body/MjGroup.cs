using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-group: columns that stay side by side on mobile.</summary>
internal sealed class MjGroup : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-group",
    [
        "background-color", "color",
        "direction", "enum(ltr,rtl)",
        "vertical-align", "enum(top,bottom,middle)",
        "width", "unit(px,%)",
    ],
    ["direction", "ltr"])
    {
        CreateBody = init => new MjGroup(init),
    };

    private static readonly KeyValuePair<string, string?>[] MobileWidth = [new("mobileWidth", "mobileWidth")];

    private MjGroup(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext()
    {
        var parentWidth = Context.ContainerWidth;
        var paddingSize = GetShorthandAttrValue("padding", "left") + GetShorthandAttrValue("padding", "right");
        var containerWidth = GetAttribute("width");
        if (!Js.Truthy(containerWidth)) containerWidth = Js.Num(Js.ParseFloat(parentWidth) / Props.NonRawSiblings) + "px";
        var (parsedWidth, unit) = Shorthand.Width(containerWidth!, parseFloatToInt: false);
        var width = unit == "%"
            ? Js.Num(Js.ParseFloat(parentWidth) * parsedWidth / 100 - paddingSize) + "px"
            : Js.Num(parsedWidth - paddingSize) + "px";
        return Context with { ContainerWidth = width, IsInGroup = true, Direction = GetAttribute("direction") };
    }

    public override void AppendStyle(StringBuilder sb, string key)
    {
        switch (key)
        {
            case "div":
                sb.Css("font-size", "0").Css("line-height", "0").Css("text-align", "left").Css("display", "inline-block")
                    .Css("width", "100%").Css("direction", GetAttribute("direction"))
                    .Css("vertical-align", GetAttribute("vertical-align"))
                    .Css("background-color", GetAttribute("background-color"));
                break;
            case "tdOutlook":
                sb.Css("vertical-align", GetAttribute("vertical-align")).Css("width", GetWidthAsPixel());
                break;
        }
    }

    private (double ParsedWidth, string Unit) GetParsedWidth()
    {
        var width = GetAttribute("width");
        if (!Js.Truthy(width)) width = Js.Num(100.0 / Props.NonRawSiblings) + "%";
        return Shorthand.Width(width!, parseFloatToInt: false);
    }

    private string GetWidthAsPixel()
    {
        var (pw, u) = GetParsedWidth();
        var (parsedWidth, unit) = Shorthand.Width(Js.Num(pw) + u, parseFloatToInt: false);
        if (unit == "%") return Js.Num(Js.ParseFloat(Context.ContainerWidth) * parsedWidth / 100) + "px";
        return Js.Num(parsedWidth) + "px";
    }

    private string GetColumnClass()
    {
        var (parsedWidth, unit) = GetParsedWidth();
        var number = Js.Num(Math.Truncate(parsedWidth));
        var className = unit == "%" ? "mj-column-per-" + number : "mj-column-px-" + number;
        Session.AddMediaQuery(className, Js.Num(parsedWidth), unit, null);
        return className;
    }

    public override void Render(StringBuilder sb)
    {
        var containerWidth = Context.ContainerWidth;
        var nonRawSiblings = Props.NonRawSiblings;
        string GetElementWidth(string? width)
        {
            if (!Js.Truthy(width)) return Js.Num(Js.ParseInt(containerWidth) / nonRawSiblings) + "px";
            var (parsedWidth, unit) = Shorthand.Width(width!, parseFloatToInt: false);
            // mjml divides by the group's width string ("600px"), which is NaN.
            if (unit == "%") return Js.Num(double.NaN) + "px";
            return Js.Num(parsedWidth) + unit;
        }
        var classes = GetColumnClass() + " mj-outlook-group-fix";
        if (Has("css-class")) classes += " " + GetAttribute("css-class");
        sb.Append("<div").Attr("class", classes).BeginStyle();
        AppendStyle(sb, "div");
        sb.EndStyle().Append("><!--[if mso | IE]><table");
        var bg = GetAttribute("background-color");
        sb.Attr("bgcolor", bg == "none" ? null : bg)
            .Append(" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"><tr><![endif]-->");
        RenderChildren(sb, (sb, component) =>
        {
            if (component.IsRawElement)
            {
                component.Render(sb);
                return;
            }
            var width = component is MjColumn column ? column.GetWidthAsPixel() : component.GetAttribute("width");
            sb.Append("<!--[if mso | IE]><td").BeginStyle()
                .Css("align", component.GetAttribute("align"))
                .Css("vertical-align", component.GetAttribute("vertical-align"))
                .Css("width", GetElementWidth(width))
                .EndStyle().Append("><![endif]-->");
            component.Render(sb);
            sb.Append("<!--[if mso | IE]></td><![endif]-->");
        }, MobileWidth);
        sb.Append("<!--[if mso | IE]></tr></table><![endif]--></div>");
    }
}
