using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-table: a raw HTML table with mjml's typography defaults.</summary>
internal sealed class MjTable : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-table",
    [
        "align", "enum(left,right,center)",
        "border", "string",
        "cellpadding", "integer",
        "cellspacing", "integer",
        "container-background-color", "color",
        "color", "color",
        "font-family", "string",
        "font-size", "unit(px)",
        "font-weight", "string",
        "line-height", "unit(px,%,)",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "role", "enum(none,presentation)",
        "table-layout", "enum(auto,fixed,initial,inherit)",
        "vertical-align", "enum(top,bottom,middle)",
        "width", "unit(px,%,auto)",
    ],
    [
        "align", "left",
        "border", "none",
        "cellpadding", "0",
        "cellspacing", "0",
        "color", "#000000",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "font-size", "13px",
        "line-height", "22px",
        "padding", "10px 25px",
        "table-layout", "auto",
        "width", "100%",
    ])
    {
        EndingTag = true,
        CreateBody = init => new MjTable(init),
    };

    private MjTable(in ComponentInit init)
        : base(init)
    {
    }

    private string? GetWidth()
    {
        var width = GetAttribute("width");
        if (width is null) return null;
        if (width == "auto") return width;
        var (parsedWidth, unit) = Shorthand.Width(width);
        return unit == "%" ? width : Js.Num(parsedWidth);
    }

    private bool HasCellspacing()
    {
        var cellspacing = GetAttribute("cellspacing") ?? "undefined";
        var digits = new StringBuilder();
        foreach (var c in cellspacing)
        {
            if (char.IsAsciiDigit(c) || c == '.') digits.Append(c);
        }
        var value = Js.ParseFloat(digits.ToString());
        return !double.IsNaN(value) && value > 0;
    }

    public override void Render(StringBuilder sb)
    {
        sb.Append("<table").Attr("cellpadding", GetAttribute("cellpadding")).Attr("cellspacing", GetAttribute("cellspacing"))
            .Attr("role", GetAttribute("role")).Attr("width", GetWidth()).Attr("border", "0").BeginStyle()
            .Css("color", GetAttribute("color"))
            .Css("font-family", GetAttribute("font-family"))
            .Css("font-size", GetAttribute("font-size"))
            .Css("line-height", GetAttribute("line-height"))
            .Css("table-layout", GetAttribute("table-layout"))
            .Css("width", GetAttribute("width"))
            .Css("border", GetAttribute("border"));
        if (HasCellspacing()) sb.Css("border-collapse", "separate");
        sb.EndStyle().Append('>').Append(Content).Append("</table>");
    }
}
