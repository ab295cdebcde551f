using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-wrapper: a section that holds sections (and heroes), sharing one background and border.</summary>
internal sealed class MjWrapper : MjSection
{
    public static readonly new ComponentSpec Definition = new("mj-wrapper", [.. AllowedAttributes, "gap", "unit(px)"], Defaults)
    {
        CreateBody = init => new MjWrapper(init),
    };

    private MjWrapper(in ComponentInit init)
        : base(init)
    {
    }

    protected override void RenderWrappedChildren(StringBuilder sb)
    {
        var containerWidth = Context.ContainerWidth;
        RenderChildren(sb, (sb, component) =>
        {
            if (component.IsRawElement)
            {
                component.Render(sb);
                return;
            }
            sb.Append("<!--[if mso | IE]><tr><td")
                .Attr("align", component.GetAttribute("align"))
                .Attr("class", Html.SuffixCssClasses(component.GetAttribute("css-class"), "outlook"))
                .Attr("width", containerWidth)
                .Append("><![endif]-->");
            component.Render(sb);
            sb.Append("<!--[if mso | IE]></td></tr><![endif]-->");
        });
    }
}
