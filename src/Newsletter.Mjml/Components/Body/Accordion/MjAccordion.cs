using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body.Accordion;

/// <summary>mj-accordion: collapsible elements (checkbox hack), expanded where unsupported.</summary>
internal sealed class MjAccordion : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-accordion",
    [
        "container-background-color", "color",
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
        "padding-bottom", "unit(px,%)",
        "padding-left", "unit(px,%)",
        "padding-right", "unit(px,%)",
        "padding-top", "unit(px,%)",
        "padding", "unit(px,%){1,4}",
    ],
    [
        "border", "2px solid black",
        "font-family", "Ubuntu, Helvetica, Arial, sans-serif",
        "icon-align", "middle",
        "icon-wrapped-url", "https://i.imgur.com/bIXv1bk.png",
        "icon-wrapped-alt", "+",
        "icon-unwrapped-url", "https://i.imgur.com/w4uTygT.png",
        "icon-unwrapped-alt", "-",
        "icon-position", "right",
        "icon-height", "32px",
        "icon-width", "32px",
        "padding", "10px 25px",
    ])
    {
        CreateBody = init => new MjAccordion(init),
    };

    /// <summary>The attributes an accordion hands to its elements, and an element to its title and text.</summary>
    internal static readonly string[] ChildrenAttributes =
    [
        "border", "icon-align", "icon-width", "icon-height", "icon-position", "icon-wrapped-url", "icon-wrapped-alt", "icon-unwrapped-url", "icon-unwrapped-alt",
    ];

    private MjAccordion(in ComponentInit init)
        : base(init)
    {
    }

    public override void RegisterHeadStyles() =>
        Session.Global.HeadStyle["mj-accordion"] = static _ => """

      noinput.mj-accordion-checkbox { display:block!important; }

      @media yahoo, only screen and (min-width:0) {
        .mj-accordion-element { display:block; }
        .mj-accordion-checkbox[type="checkbox"], .mj-accordion-less { display:none!important; }
        .mj-accordion-checkbox[type="checkbox"] + * .mj-accordion-title { cursor:pointer; touch-action:manipulation; -webkit-user-select:none; -moz-user-select:none; user-select:none; }
        .mj-accordion-checkbox[type="checkbox"] + * .mj-accordion-content { overflow:hidden; display:none; }
        .mj-accordion-checkbox[type="checkbox"] + * .mj-accordion-more { display:block!important; }
        .mj-accordion-checkbox:checked + * .mj-accordion-content { display:block; }
        .mj-accordion-checkbox:checked + * .mj-accordion-more { display:none!important; }
        .mj-accordion-checkbox:checked + * .mj-accordion-less { display:block!important; }
      }

      .moz-text-html input.mj-accordion-checkbox + * .mj-accordion-title { cursor: auto; touch-action: auto; -webkit-user-select: auto; -moz-user-select: auto; user-select: auto; }
      .moz-text-html input.mj-accordion-checkbox + * .mj-accordion-content { overflow: hidden; display: block; }
      .moz-text-html input.mj-accordion-checkbox + * .mj-accordion-ico { display: none; }

      @goodbye { @gmail }

""";

    public override BodyContext GetChildContext() => Context with { AccordionFontFamily = GetAttribute("font-family") };

    internal static List<KeyValuePair<string, string?>> PassedAttributes(BodyComponent component)
    {
        var list = new List<KeyValuePair<string, string?>>(ChildrenAttributes.Length);
        foreach (var name in ChildrenAttributes) list.Add(new(name, component.GetAttribute(name)));
        return list;
    }

    public override void Render(StringBuilder sb)
    {
        sb.Append("<table cellspacing=\"0\" cellpadding=\"0\" class=\"mj-accordion\"").BeginStyle()
            .Css("width", "100%").Css("border-collapse", "collapse").Css("border", GetAttribute("border"))
            .Css("border-bottom", "none").Css("font-family", GetAttribute("font-family")).EndStyle().Append("><tbody>");
        RenderChildren(sb, DefaultRenderer, PassedAttributes(this));
        sb.Append("</tbody></table>");
    }
}
