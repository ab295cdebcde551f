using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-section: a row of columns, optionally full-width and with a (VML) background image.</summary>
internal class MjSection : BodyComponent
{
    public static readonly string[] AllowedAttributes =
    [
        "background-color", "color",
        "background-url", "string",
        "background-repeat", "enum(repeat,no-repeat)",
        "background-size", "string",
        "background-position", "string",
        "background-position-x", "string",
        "background-position-y", "string",
        "border", "string",
        "border-bottom", "string",
        "border-left", "string",
        "border-radius", "string",
        "border-right", "string",
        "border-top", "string",
        "direction", "enum(ltr,rtl)",
        "full-width", "enum(full-width,false,)",
        "gutter", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "padding-top", "unit(px,%)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "text-align", "enum(left,center,right)",
        "text-padding", "unit(px,%){1,4}",
    ];

    public static readonly string[] Defaults =
    [
        "background-repeat", "repeat",
        "background-size", "auto",
        "background-position", "top center",
        "direction", "ltr",
        "padding", "20px 0",
        "text-align", "center",
        "text-padding", "4px 4px 4px 0",
    ];

    public static readonly ComponentSpec Definition = new("mj-section", AllowedAttributes, Defaults)
    {
        CreateBody = init => new MjSection(init),
    };

    protected MjSection(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext()
    {
        var box = GetBoxWidths().Box;
        return Context with
        {
            ContainerWidth = Js.Num(box) + "px",
            Gap = GetAttribute("gap"),
            Gutter = GetAttribute("gutter"),
            Direction = GetAttribute("direction"),
            IsInGroup = false,
        };
    }

    protected bool IsFullWidth => GetAttribute("full-width") == "full-width";

    protected bool HasBorderRadius => GetAttribute("border-radius") is { Length: > 0 };

    protected bool HasBackground => GetAttribute("background-url") is not null;

    protected bool HasGap => !string.IsNullOrEmpty(Context.Gap);

    private bool IsFirstSection => Props.Index == 0;

    private void AppendBackground(StringBuilder sb)
    {
        if (Has("background-url"))
        {
            sb.Css("background", GetBackground())
                .Css("background-position", GetBackgroundString())
                .Css("background-repeat", GetAttribute("background-repeat"))
                .Css("background-size", GetAttribute("background-size"));
        }
        else
        {
            sb.Css("background", GetAttribute("background-color"))
                .Css("background-color", GetAttribute("background-color"));
        }
    }

    private string GetBackground()
    {
        var parts = new List<string>(5);
        void Add(string? v)
        {
            if (Js.Truthy(v)) parts.Add(v!);
        }
        Add(GetAttribute("background-color"));
        if (HasBackground)
        {
            Add("url('" + GetAttribute("background-url") + "')");
            Add(GetBackgroundString());
            Add("/ " + GetAttribute("background-size"));
            Add(GetAttribute("background-repeat"));
        }
        return string.Join(' ', parts);
    }

    private string GetBackgroundString()
    {
        var (x, y) = GetBackgroundPosition();
        return x + " " + y;
    }

    private (string X, string Y) GetBackgroundPosition()
    {
        var (x, y) = ParseBackgroundPosition();
        var px = GetAttribute("background-position-x");
        var py = GetAttribute("background-position-y");
        return (Js.Truthy(px) ? px! : x, Js.Truthy(py) ? py! : y);
    }

    private (string X, string Y) ParseBackgroundPosition()
    {
        var split = (GetAttribute("background-position") ?? "").Split(' ');
        if (split.Length == 1)
        {
            var val = split[0];
            return val is "top" or "bottom" ? ("center", val) : (val, "center");
        }
        if (split.Length == 2)
        {
            var val1 = split[0];
            var val2 = split[1];
            if (val1 is "top" or "bottom" || (val1 == "center" && val2 is "left" or "right")) return (val2, val1);
            return (val1, val2);
        }
        return ("center", "top");
    }

    protected void RenderBefore(StringBuilder sb)
    {
        var containerWidth = Context.ContainerWidth;
        sb.Append("<!--[if mso | IE]><table")
            .Attr("align", "center").Attr("border", "0").Attr("cellpadding", "0").Attr("cellspacing", "0")
            .Attr("class", Html.SuffixCssClasses(GetAttribute("css-class"), "outlook"))
            .Attr("role", "presentation")
            .BeginStyle().Css("width", containerWidth).Css("padding-top", !IsFirstSection ? Context.Gap : null).EndStyle()
            .Attr("width", Js.ParseInt(containerWidth));
        if (!HasGap && Js.Truthy(GetAttribute("background-color"))) sb.Attr("bgcolor", GetAttribute("background-color"));
        sb.Append("><tr><td style=\"line-height:0px;font-size:0px;mso-line-height-rule:exactly;\"><![endif]-->");
    }

    protected static void RenderAfter(StringBuilder sb) =>
        sb.Append("<!--[if mso | IE]></td></tr></table><![endif]-->");

    protected virtual void RenderWrappedChildren(StringBuilder sb)
    {
        sb.Append("<!--[if mso | IE]><tr><![endif]-->");
        RenderChildren(sb, static (sb, component) =>
        {
            if (component.IsRawElement)
            {
                component.Render(sb);
                return;
            }
            sb.Append("<!--[if mso | IE]><td")
                .Attr("align", component.GetAttribute("align"))
                .Attr("class", Html.SuffixCssClasses(component.GetAttribute("css-class"), "outlook"))
                .BeginStyle();
            component.AppendStyle(sb, "tdOutlook");
            sb.EndStyle().Append("><![endif]-->");
            component.Render(sb);
            sb.Append("<!--[if mso | IE]></td><![endif]-->");
        });
        sb.Append("<!--[if mso | IE]></tr><![endif]-->");
    }

    private void RenderWithBackground(StringBuilder sb, Action<StringBuilder> content)
    {
        var fullWidth = IsFullWidth;
        var (bgPosX, bgPosY) = GetBackgroundPosition();
        bgPosX = bgPosX switch
        {
            "left" => "0%",
            "center" => "50%",
            "right" => "100%",
            _ => IsPercentage(bgPosX) ? bgPosX : "50%",
        };
        bgPosY = bgPosY switch
        {
            "top" => "0%",
            "center" => "50%",
            "bottom" => "100%",
            _ => IsPercentage(bgPosY) ? bgPosY : "0%",
        };
        var repeat = GetAttribute("background-repeat") == "repeat";
        (string Origin, string Pos) Coordinate(bool isX)
        {
            var pos = isX ? bgPosX : bgPosY;
            if (IsPercentage(pos))
            {
                var decimalValue = Js.ParseInt(pos[..^1]) / 100;
                if (repeat)
                {
                    var v = Js.Num(decimalValue);
                    return (v, v);
                }
                var w = Js.Num((-50 + decimalValue * 100) / 100);
                return (w, w);
            }
            if (repeat) return isX ? ("0.5", "0.5") : ("0", "0");
            return isX ? ("0", "0") : ("-0.5", "-0.5");
        }
        var (vOriginX, vPosX) = Coordinate(true);
        var (vOriginY, vPosY) = Coordinate(false);
        var size = GetAttribute("background-size");
        string? vSize = null;
        string? vAspect = null;
        if (size is "cover" or "contain")
        {
            vSize = "1,1";
            vAspect = size == "cover" ? "atleast" : "atmost";
        }
        else if (size != "auto")
        {
            var split = (size ?? "").Split(' ');
            if (split.Length == 1)
            {
                vSize = size;
                vAspect = "atmost";
            }
            else
            {
                vSize = string.Join(',', split);
            }
        }
        var vmlType = GetAttribute("background-repeat") == "no-repeat" ? "frame" : "tile";
        if (size == "auto")
        {
            vmlType = "tile";
            (vOriginX, vPosX, vOriginY, vPosY) = ("0.5", "0.5", "0", "0");
        }
        sb.Append("<!--[if mso | IE]><v:rect").BeginStyle();
        if (fullWidth) sb.Css("mso-width-percent", "1000");
        else sb.Css("width", Context.ContainerWidth);
        sb.EndStyle().Attr("xmlns:v", "urn:schemas-microsoft-com:vml").Attr("fill", "true").Attr("stroke", "false")
            .Append("><v:fill")
            .Attr("origin", vOriginX + ", " + vOriginY)
            .Attr("position", vPosX + ", " + vPosY)
            .Attr("src", GetAttribute("background-url"))
            .Attr("color", GetAttribute("background-color"))
            .Attr("type", vmlType)
            .Attr("size", vSize)
            .Attr("aspect", vAspect)
            .Append(" /><v:textbox style=\"mso-fit-shape-to-text:true\" inset=\"0,0,0,0\"><![endif]-->");
        content(sb);
        sb.Append("<!--[if mso | IE]></v:textbox></v:rect><![endif]-->");
    }

    private static bool IsPercentage(string s)
    {
        // /^\d+(\.\d+)?%$/
        if (s.Length < 2 || s[^1] != '%') return false;
        var i = 0;
        var start = i;
        while (i < s.Length - 1 && char.IsAsciiDigit(s[i])) i++;
        if (i == start) return false;
        if (i == s.Length - 1) return true;
        if (s[i] != '.') return false;
        i++;
        var fracStart = i;
        while (i < s.Length - 1 && char.IsAsciiDigit(s[i])) i++;
        return i > fracStart && i == s.Length - 1;
    }

    private void RenderSection(StringBuilder sb)
    {
        var fullWidth = IsFullWidth;
        var hasBackground = HasBackground;
        sb.Append("<div").Attr("class", fullWidth ? null : GetAttribute("css-class")).BeginStyle();
        if (!fullWidth) AppendBackground(sb);
        sb.Css("margin", "0px auto").Css("max-width", Context.ContainerWidth).Css("border-radius", GetAttribute("border-radius"));
        if (HasBorderRadius) sb.Css("overflow", "hidden");
        sb.Css("margin-top", !IsFirstSection ? Context.Gap : null).EndStyle().Append('>');
        if (hasBackground) sb.Append("<div style=\"line-height:0;font-size:0;\">");
        sb.Append("<table").Attr("align", "center").Attr("background", fullWidth ? null : GetAttribute("background-url"))
            .Attr("border", "0").Attr("cellpadding", "0").Attr("cellspacing", "0").Attr("role", "presentation").BeginStyle();
        if (!fullWidth) AppendBackground(sb);
        sb.Css("width", "100%");
        if (HasBorderRadius) sb.Css("border-collapse", "separate");
        sb.EndStyle().Append("><tbody><tr><td").BeginStyle()
            .Css("border", GetAttribute("border"))
            .Css("border-bottom", GetAttribute("border-bottom"))
            .Css("border-left", GetAttribute("border-left"))
            .Css("border-right", GetAttribute("border-right"))
            .Css("border-top", GetAttribute("border-top"))
            .Css("border-radius", GetAttribute("border-radius"))
            .Css("direction", GetAttribute("direction"))
            .Css("font-size", "0px")
            .Css("padding", GetAttribute("padding"))
            .Css("padding-bottom", GetAttribute("padding-bottom"))
            .Css("padding-left", GetAttribute("padding-left"))
            .Css("padding-right", GetAttribute("padding-right"))
            .Css("padding-top", GetAttribute("padding-top"))
            .Css("text-align", GetAttribute("text-align"))
            .EndStyle().Append('>')
            .Append("<!--[if mso | IE]><table role=\"presentation\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><![endif]-->");
        RenderWrappedChildren(sb);
        sb.Append("<!--[if mso | IE]></table><![endif]--></td></tr></tbody></table>");
        if (hasBackground) sb.Append("</div>");
        sb.Append("</div>");
    }

    private void RenderFullWidth(StringBuilder sb)
    {
        sb.Append("<table").Attr("align", "center").Attr("class", GetAttribute("css-class"))
            .Attr("background", GetAttribute("background-url"))
            .Attr("border", "0").Attr("cellpadding", "0").Attr("cellspacing", "0").Attr("role", "presentation")
            .BeginStyle();
        AppendBackground(sb);
        sb.Css("width", "100%").EndStyle().Append("><tbody><tr><td>");
        if (HasBackground)
        {
            RenderWithBackground(sb, inner =>
            {
                RenderBefore(inner);
                RenderSection(inner);
                RenderAfter(inner);
            });
        }
        else
        {
            RenderBefore(sb);
            RenderSection(sb);
            RenderAfter(sb);
        }
        sb.Append("</td></tr></tbody></table>");
    }

    private void RenderSimple(StringBuilder sb)
    {
        RenderBefore(sb);
        if (HasBackground) RenderWithBackground(sb, RenderSection);
        else RenderSection(sb);
        RenderAfter(sb);
    }

    public override void Render(StringBuilder sb)
    {
        if (IsFullWidth) RenderFullWidth(sb);
        else RenderSimple(sb);
    }
}
