using System.Text;
using Newsletter.Mjml.Parsing;

namespace Newsletter.Mjml.Rendering;

/// <summary>Base of every body component: attributes, child context, sibling props and the shared render helpers of mjml-core's BodyComponent.</summary>
internal abstract class BodyComponent
{
    protected BodyComponent(in ComponentInit init)
    {
        Spec = init.Spec;
        Node = init.Node;
        Attributes = init.Attributes;
        Context = init.Context;
        Props = init.Props;
        Session = init.Session;
        ChildMjClass = init.ParentMjClass;
    }

    public ComponentSpec Spec { get; }
    public MjmlNode Node { get; }
    public ComponentAttributes Attributes { get; }
    public BodyContext Context { get; }
    public ChildProps Props { get; }
    public RenderSession Session { get; }

    /// <summary>The mj-class whose child defaults apply to this element's children.</summary>
    public string ChildMjClass { get; }

    public bool IsRawElement => Spec.RawElement;

    public string? GetAttribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;

    /// <summary>JavaScript truthiness of an attribute.</summary>
    public bool Has(string name) => Js.Truthy(GetAttribute(name));

    /// <summary>The raw content, trimmed (mjml's getContent).</summary>
    public string Content => Node.Content is { } c ? c.Trim() : "";

    public virtual BodyContext GetChildContext() => Context;

    /// <summary>Called once when the component is built: registers its head styles (mjml's headStyle / componentHeadStyle).</summary>
    public virtual void RegisterHeadStyles()
    {
    }

    public abstract void Render(StringBuilder sb);

    /// <summary>Appends the declarations of the named style set of mjml's getStyles() (nothing when it has none).</summary>
    public virtual void AppendStyle(StringBuilder sb, string key)
    {
    }

    /// <summary>mjml-core's getShorthandAttrValue.</summary>
    public double GetShorthandAttrValue(string attribute, string direction)
    {
        var directional = GetAttribute(Directional(attribute, direction));
        if (Js.Truthy(directional)) return Js.ParseInt(directional);
        var value = GetAttribute(attribute);
        if (!Js.Truthy(value)) return 0;
        return Shorthand.Parse(value!, direction);
    }

    /// <summary>mjml-core's getShorthandBorderValue.</summary>
    public double GetShorthandBorderValue(string? direction, string attribute = "border")
    {
        var directional = direction is null ? null : GetAttribute(Directional(attribute, direction));
        var border = GetAttribute(attribute);
        var value = Js.Truthy(directional) ? directional! : Js.Truthy(border) ? border! : "0";
        return Shorthand.Border(value);
    }

    /// <summary><c>attribute + "-" + direction</c>, without a new string for the names rendering asks for all the time.</summary>
    private static string Directional(string attribute, string direction) => (attribute, direction) switch
    {
        ("padding", "top") => "padding-top",
        ("padding", "right") => "padding-right",
        ("padding", "bottom") => "padding-bottom",
        ("padding", "left") => "padding-left",
        ("border", "top") => "border-top",
        ("border", "right") => "border-right",
        ("border", "bottom") => "border-bottom",
        ("border", "left") => "border-left",
        _ => attribute + "-" + direction,
    };

    /// <summary>mjml-core's getBoxWidths: (totalWidth, borders, paddings, box).</summary>
    public (double Total, double Borders, double Paddings, double Box) GetBoxWidths()
    {
        var parsedWidth = Js.ParseInt(Context.ContainerWidth);
        var paddings = GetShorthandAttrValue("padding", "right") + GetShorthandAttrValue("padding", "left");
        var borders = GetShorthandBorderValue("right") + GetShorthandBorderValue("left");
        return (parsedWidth, borders, paddings, parsedWidth - paddings - borders);
    }

    /// <summary>Renders the children as mjml's renderChildren does, handing each to <paramref name="renderer"/>.</summary>
    protected void RenderChildren(StringBuilder sb, Action<StringBuilder, BodyComponent> renderer,
        IReadOnlyList<KeyValuePair<string, string?>>? attributes = null, BodyContext? childContext = null, List<MjmlNode>? children = null)
    {
        children ??= Node.Children;
        var sibling = children.Count;
        if (sibling == 0) return;
        var nonRaw = NonRawSiblings(children);
        var context = childContext ?? GetChildContext();
        for (var index = 0; index < children.Count; index++)
        {
            var component = Session.Create(children[index], context, new ChildProps(index, sibling, nonRaw), ChildMjClass, attributes);
            if (component is not null) renderer(sb, component);
        }
    }

    /// <summary>Builds the child components (for components that need to inspect them before rendering).</summary>
    protected List<BodyComponent> CreateChildren(IReadOnlyList<KeyValuePair<string, string?>>? attributes = null, BodyContext? childContext = null)
    {
        var children = Node.Children;
        var result = new List<BodyComponent>(children.Count);
        var nonRaw = NonRawSiblings(children);
        var context = childContext ?? GetChildContext();
        for (var index = 0; index < children.Count; index++)
        {
            var component = Session.Create(children[index], context, new ChildProps(index, children.Count, nonRaw), ChildMjClass, attributes);
            if (component is not null) result.Add(component);
        }
        return result;
    }

    protected int NonRawSiblings(List<MjmlNode> children)
    {
        var count = 0;
        foreach (var child in children)
        {
            var spec = Session.Registry.Find(child.TagName);
            if (spec is null || !spec.RawElement) count++;
        }
        return count;
    }

    protected static void DefaultRenderer(StringBuilder sb, BodyComponent component) => component.Render(sb);
}
