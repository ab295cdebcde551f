using Newsletter.Mjml.Parsing;

namespace Newsletter.Mjml.Rendering;

/// <summary>Everything a body component is built from.</summary>
internal readonly record struct ComponentInit(
    ComponentSpec Spec,
    MjmlNode Node,
    ComponentAttributes Attributes,
    BodyContext Context,
    ChildProps Props,
    RenderSession Session,
    string ParentMjClass);
