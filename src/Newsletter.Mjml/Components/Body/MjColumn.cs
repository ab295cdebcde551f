using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-column: a responsive column of content inside a section or group.</summary>
internal sealed class MjColumn : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-column",
    [
        "background-color", "color",
        "border", "string",
        "border-bottom", "string",
        "border-left", "string",
        "border-radius", "string",
        "border-right", "string",
        "border-top", "string",
        "direction", "enum(ltr,rtl)",
        "inner-background-color", "color",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "inner-border", "string",
        "inner-border-bottom", "string",
        "inner-border-left", "string",
        "inner-border-radius", "string",
        "inner-border-right", "string",
        "inner-border-top", "string",
        "padding", "unit(px,%){1,4}",
        "vertical-align", "enum(top,bottom,middle)",
        "width", "unit(px,%)",
    ],
    [
        "direction", "ltr",
        "vertical-align", "top",
    ])
    {
        CreateBody = init => new MjColumn(init),
    };

    private MjColumn(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext()
    {
        var parentWidth = Context.ContainerWidth;
        var (_, borders, paddings, _) = GetBoxWidths();
        var innerBorders = GetShorthandBorderValue("left", "inner-border") + GetShorthandBorderValue("right", "inner-border");
        var allPaddings = paddings + borders + innerBorders;
        var containerWidth = GetAttribute("width");
        if (!Js.Truthy(containerWidth)) containerWidth = Js.Num(Js.ParseFloat(parentWidth) / Props.NonRawSiblings) + "px";
        var (parsedWidth, unit) = Shorthand.Width(containerWidth!, parseFloatToInt: false);
        var width = unit == "%"
            ? Js.Num(Js.ParseFloat(parentWidth) * parsedWidth / 100 - allPaddings) + "px"
            : Js.Num(parsedWidth - allPaddings) + "px";
        return Context with { ContainerWidth = width };
    }

    private bool HasBorderRadius => GetAttribute("border-radius") is { Length: > 0 };

    private bool HasInnerBorderRadius => GetAttribute("inner-border-radius") is { Length: > 0 };

    private bool HasGutter =>
        GetAttribute("padding") is not null || GetAttribute("padding-bottom") is not null || GetAttribute("padding-left") is not null
        || GetAttribute("padding-right") is not null || GetAttribute("padding-top") is not null;

    private bool HasColumnGutter => !string.IsNullOrEmpty(Context.Gutter);

    private void AppendTableStyle(StringBuilder sb)
    {
        sb.Css("background-color", GetAttribute("background-color"))
            .Css("border", GetAttribute("border"))
            .Css("border-bottom", GetAttribute("border-bottom"))
            .Css("border-left", GetAttribute("border-left"))
            .Css("border-radius", GetAttribute("border-radius"))
            .Css("border-right", GetAttribute("border-right"))
            .Css("border-top", GetAttribute("border-top"))
            .Css("vertical-align", GetAttribute("vertical-align"));
        if (HasBorderRadius) sb.Css("border-collapse", "separate");
    }

    public override void AppendStyle(StringBuilder sb, string key)
    {
        switch (key)
        {
            case "div":
                sb.Css("font-size", "0px").Css("text-align", "left").Css("direction", GetAttribute("direction"))
                    .Css("display", "inline-block").Css("vertical-align", GetAttribute("vertical-align"))
                    .Css("width", GetMobileWidth());
                if (HasColumnGutter) sb.Css("padding", Context.IsInGroup ? GetDesktopPadding() : GetMobilePadding());
                break;
            case "table":
                if (HasGutter)
                {
                    sb.Css("background-color", GetAttribute("inner-background-color"))
                        .Css("border", GetAttribute("inner-border"))
                        .Css("border-bottom", GetAttribute("inner-border-bottom"))
                        .Css("border-left", GetAttribute("inner-border-left"))
                        .Css("border-radius", GetAttribute("inner-border-radius"))
                        .Css("border-right", GetAttribute("inner-border-right"))
                        .Css("border-top", GetAttribute("inner-border-top"));
                    if (HasInnerBorderRadius) sb.Css("border-collapse", "separate");
                }
                else
                {
                    AppendTableStyle(sb);
                    if (HasInnerBorderRadius && !HasBorderRadius) sb.Css("border-collapse", "separate");
                }
                break;
            case "tdOutlook":
                sb.Css("vertical-align", GetAttribute("vertical-align")).Css("width", GetWidthAsPixel());
                if (HasColumnGutter)
                {
                    var (top, right, bottom, left) = GetDesktopPaddingValues("px");
                    sb.Css("padding", FormatPadding(top, right, bottom, left, "px"));
                }
                break;
            case "gutter":
                AppendTableStyle(sb);
                sb.Css("padding", GetAttribute("padding"))
                    .Css("padding-top", GetAttribute("padding-top"))
                    .Css("padding-right", GetAttribute("padding-right"))
                    .Css("padding-bottom", GetAttribute("padding-bottom"))
                    .Css("padding-left", GetAttribute("padding-left"));
                break;
        }
    }

    private string GetMobileWidth()
    {
        if (GetAttribute("mobileWidth") != "mobileWidth") return "100%";
        var containerWidth = Context.ContainerWidth;
        if (Context.IsInGroup && HasColumnGutter)
        {
            var (pw, u) = GetDesktopWidth();
            if (u == "%") return Js.Num(pw) + "%";
            return Js.Num(NormalizeUnitValue(pw / Js.ParseInt(containerWidth) * 100)) + "%";
        }
        var width = GetAttribute("width");
        if (width is null) return Js.Num(Math.Truncate(100.0 / Props.NonRawSiblings)) + "%";
        var (parsedWidth, unit) = Shorthand.Width(width, parseFloatToInt: false);
        return unit == "%" ? width : Js.Num(NormalizeUnitValue(parsedWidth / Js.ParseInt(containerWidth) * 100)) + "%";
    }

    /// <summary>The width in pixels used by the Outlook table cell.</summary>
    public string GetWidthAsPixel()
    {
        var (parsedWidth, unit) = Shorthand.Width(GetParsedWidthString(), parseFloatToInt: false);
        if (unit == "%") return Js.Num(NormalizePxValue(Js.ParseFloat(Context.ContainerWidth) * parsedWidth / 100)) + "px";
        return Js.Num(NormalizePxValue(parsedWidth)) + "px";
    }

    private (double ParsedWidth, string Unit) GetParsedWidth()
    {
        var width = GetAttribute("width");
        if (!Js.Truthy(width)) width = Js.Num(100.0 / Props.NonRawSiblings) + "%";
        return Shorthand.Width(width!, parseFloatToInt: false);
    }

    private string GetParsedWidthString()
    {
        var (parsedWidth, unit) = GetParsedWidth();
        return Js.Num(parsedWidth) + unit;
    }

    private string GetColumnClass()
    {
        var (parsedWidth, unit) = HasColumnGutter ? GetDesktopWidth() : GetParsedWidth();
        var normalized = unit == "px" ? NormalizePxValue(parsedWidth) : parsedWidth;
        var number = Js.Num(normalized);
        var formatted = ReplaceFirstDot(number);
        var className = unit == "%" ? "mj-column-per-" + formatted : "mj-column-px-" + formatted;
        Session.AddMediaQuery(className, number, unit, null);
        if (HasColumnGutter && !Context.IsInGroup)
        {
            Session.AddMediaQuery(GetDesktopGutterClassName(), null, null, GetDesktopPadding());
        }
        return className;
    }

    private static string ReplaceFirstDot(string s)
    {
        var i = s.IndexOf('.', StringComparison.Ordinal);
        return i < 0 ? s : string.Concat(s.AsSpan(0, i), "-", s.AsSpan(i + 1));
    }

    private string GetDesktopGutterClassName()
    {
        var gutterUnit = GetParsedWidth().Unit;
        var gutter = GetNormalizedGutterValue(gutterUnit);
        var unitToken = gutterUnit == "%" ? "per" : gutterUnit;
        var directionToken = Context.Direction == "rtl" ? "-rtl" : "";
        var normalizedGutter = gutterUnit == "px" ? NormalizePxValue(gutter) : gutter;
        var gutterToken = ReplaceFirstDot(Js.Num(NormalizeUnitValue(normalizedGutter)));
        return "mj-column-gutter-" + Js.Num(Props.Sibling) + "-" + Js.Num(Props.Index + 1) + "-" + unitToken + "-" + gutterToken + directionToken;
    }

    private (double ParsedWidth, string Unit) GetDesktopWidth()
    {
        var (parsedWidth, unit) = GetParsedWidth();
        if (!HasColumnGutter) return (unit == "px" ? NormalizePxValue(parsedWidth) : parsedWidth, unit);
        var sibling = Props.Sibling;
        var gutter = GetNormalizedGutterValue(unit);
        var reduction = gutter * (sibling - 1) / sibling;
        var reduced = Math.Max(0, NormalizeUnitValue(parsedWidth - reduction));
        if (unit == "px")
        {
            var floor = Math.Floor(reduced);
            var fractional = reduced - floor;
            var extra = Math.Max(0, Math.Min(sibling, Js.Round(sibling * fractional)));
            return (floor + (Props.Index < extra ? 1 : 0), unit);
        }
        return (reduced, unit);
    }

    private double GetNormalizedGutterValue(string targetUnit)
    {
        var gutter = Context.Gutter;
        if (string.IsNullOrEmpty(gutter)) return 0;
        var containerWidth = Context.ContainerWidth;
        var (parsedWidth, unit) = Shorthand.Width(gutter, parseFloatToInt: false);
        if (unit == targetUnit) return parsedWidth;
        if (targetUnit == "%" && unit == "px") return parsedWidth / Js.ParseFloat(containerWidth) * 100;
        if (targetUnit == "px" && unit == "%") return Js.ParseFloat(containerWidth) * parsedWidth / 100;
        return parsedWidth;
    }

    private (double Top, double Right, double Bottom, double Left) GetDesktopPaddingValues(string unit)
    {
        var gutter = GetNormalizedGutterValue(unit);
        var normalizedGutter = unit == "px" ? NormalizePxValue(gutter) : gutter;
        var isPx = unit == "px";
        var halfLeading = isPx ? Math.Ceiling(normalizedGutter / 2) : normalizedGutter / 2;
        var halfTrailing = isPx ? Math.Floor(normalizedGutter / 2) : normalizedGutter / 2;
        if (Props.Sibling == 1) return (0, 0, 0, 0);
        if (Context.Direction == "rtl")
        {
            return (0, Props.First ? 0 : halfTrailing, 0, Props.Last ? 0 : halfLeading);
        }
        return (0, Props.Last ? 0 : halfLeading, 0, Props.First ? 0 : halfTrailing);
    }

    private string GetDesktopPadding()
    {
        var unit = GetParsedWidth().Unit;
        var (top, right, bottom, left) = GetDesktopPaddingValues(unit);
        return FormatPadding(top, right, bottom, left, unit);
    }

    private string GetMobilePadding()
    {
        var half = GetNormalizedGutterValue("%") / 2;
        return FormatPadding(Props.First ? 0 : half, 0, Props.Last ? 0 : half, 0, "%");
    }

    private static double NormalizeUnitValue(double value) => Js.ToFixed6(value);

    private static double NormalizePxValue(double value) => Js.Round(value);

    private static string FormatPadding(double top, double right, double bottom, double left, string unit)
    {
        if (unit == "px")
        {
            return Js.Num(NormalizePxValue(top)) + "px " + Js.Num(NormalizePxValue(right)) + "px " + Js.Num(NormalizePxValue(bottom)) + "px " + Js.Num(NormalizePxValue(left)) + "px";
        }
        return Js.Num(NormalizeUnitValue(top)) + unit + " " + Js.Num(NormalizeUnitValue(right)) + unit + " " + Js.Num(NormalizeUnitValue(bottom)) + unit + " " + Js.Num(NormalizeUnitValue(left)) + unit;
    }

    private void RenderColumn(StringBuilder sb)
    {
        sb.Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\"").BeginStyle();
        AppendStyle(sb, "table");
        sb.EndStyle().Append(" width=\"100%\"><tbody>");
        RenderChildren(sb, static (sb, component) => RenderChildRow(sb, component, backgroundAttribute: false));
        sb.Append("</tbody></table>");
    }

    /// <summary>
    /// A child in its own row, as mj-column and mj-hero render their children (mj-hero also gives the cell a
    /// <c>background</c> attribute); raw elements as they are.
    /// </summary>
    internal static void RenderChildRow(StringBuilder sb, BodyComponent component, bool backgroundAttribute)
    {
        if (component.IsRawElement)
        {
            component.Render(sb);
            return;
        }
        var background = component.GetAttribute("container-background-color");
        sb.Append("<tr><td").Attr("align", component.GetAttribute("align"));
        if (backgroundAttribute) sb.Attr("background", background);
        sb.Attr("class", component.GetAttribute("css-class"))
            .BeginStyle()
            .Css("background", background)
            .Css("font-size", "0px")
            .Css("padding", component.GetAttribute("padding"))
            .Css("padding-top", component.GetAttribute("padding-top"))
            .Css("padding-right", component.GetAttribute("padding-right"))
            .Css("padding-bottom", component.GetAttribute("padding-bottom"))
            .Css("padding-left", component.GetAttribute("padding-left"))
            .Css("word-break", "break-word")
            .EndStyle().Append('>');
        component.Render(sb);
        sb.Append("</td></tr>");
    }

    private void RenderGutter(StringBuilder sb)
    {
        sb.Append("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\" width=\"100%\"");
        if (HasBorderRadius) sb.Append(" style=\"border-collapse:separate;\"");
        sb.Append("><tbody><tr><td").BeginStyle();
        AppendStyle(sb, "gutter");
        sb.EndStyle().Append('>');
        RenderColumn(sb);
        sb.Append("</td></tr></tbody></table>");
    }

    public override void Render(StringBuilder sb)
    {
        var classes = GetColumnClass();
        if (HasColumnGutter) classes += " " + GetDesktopGutterClassName();
        classes += " mj-outlook-group-fix";
        if (Has("css-class")) classes += " " + GetAttribute("css-class");
        sb.Append("<div").Attr("class", classes).BeginStyle();
        AppendStyle(sb, "div");
        sb.EndStyle().Append('>');
        if (HasGutter) RenderGutter(sb);
        else RenderColumn(sb);
        sb.Append("</div>");
    }
}
