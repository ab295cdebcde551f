using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Accordion;

/// <summary>mj-accordion-element: one title and its text.</summary>
internal sealed class MjAccordionElement : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-accordion-element",
    [
        "background-color", "color",
        "border", "string",
        "font-family", "string",
        "icon-align", "enum(top,middle,bottom)",
        "icon-width", "unit(px,%)",
        "icon-height", "unit(px,%)",
        "icon-wrapped-url", "string",
        "icon-wrapped-alt", "string",
        "icon-unwrapped-url", "string",
        "icon-unwrapped-alt", "string",
        "icon-position", "enum(left,right)",
    ],
    [])
    {
        CreateBody = init => new MjAccordionElement(init),
    };

    private MjAccordionElement(in ComponentInit init)
        : base(init)
    {
    }

    public override BodyContext GetChildContext() => Context with { ElementFontFamily = GetAttribute("font-family") };

    public override void Render(StringBuilder sb)
    {
        sb.Append("<tr").Attr("class", GetAttribute("css-class")).Append("><td").BeginStyle()
            .Css("padding", "0px").Css("background-color", GetAttribute("background-color")).EndStyle()
            .Append("><label class=\"mj-accordion-element\"").BeginStyle()
            .Css("font-size", "13px").Css("font-family", GetAttribute("font-family")).EndStyle()
            .Append("><!--[if !mso | IE]><!--><input class=\"mj-accordion-checkbox\" type=\"checkbox\" style=\"display:none;\" /><!--<![endif]--><div>");
        var passed = MjAccordion.PassedAttributes(this);
        var hasTitle = Node.FindChild("mj-accordion-title") is not null;
        var hasText = Node.FindChild("mj-accordion-text") is not null;
        var childContext = GetChildContext();
        if (!hasTitle) Standalone(MjAccordionTitle.Definition, passed, childContext).Render(sb);
        RenderChildren(sb, DefaultRenderer, passed, childContext);
        if (!hasText) Standalone(MjAccordionText.Definition, passed, childContext).Render(sb);
        sb.Append("</div></label></td></tr>");
    }

    /// <summary>A title or text the author left out, built as mjml does: component defaults plus the passed attributes only.</summary>
    private BodyComponent Standalone(ComponentSpec spec, List<KeyValuePair<string, string?>> passed, BodyContext context)
    {
        var attributes = new ComponentAttributes(spec);
        foreach (var pair in passed)
        {
            if (pair.Value is null) attributes.Remove(pair.Key);
            else attributes.Set(pair.Key, pair.Value);
        }
        attributes.ExpandShortColors();
        var node = new Parsing.MjmlNode(spec.TagName, Node.Line);
        return spec.CreateBody!(new ComponentInit(spec, node, attributes, context, new ChildProps(0, 1, 1), Session, ""));
    }
}
