using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-spacer: vertical space.</summary>
internal sealed class MjSpacer : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-spacer",
    [
        "border", "string",
        "border-bottom", "string",
        "border-left", "string",
        "border-right", "string",
        "border-top", "string",
        "container-background-color", "color",
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
        "height", "unit(px,%)",
    ],
    ["height", "20px"])
    {
        CreateBody = init => new MjSpacer(init),
    };

    private MjSpacer(in ComponentInit init)
        : base(init)
    {
    }

    public override void Render(StringBuilder sb)
    {
        var height = GetAttribute("height");
        sb.Append("<div").BeginStyle().Css("height", height).Css("line-height", height).EndStyle().Append(">&#8202;</div>");
    }
}
