using Newsletter.Mjml.Parsing;

namespace Newsletter.Mjml.Rendering;

/// <summary>The state of one compilation: global data, options and the component table. Not shared between calls.</summary>
internal sealed class RenderSession
{
    public RenderSession(ComponentRegistry registry, MjmlOptions options)
    {
        Registry = registry;
        Options = options;
    }

    public ComponentRegistry Registry { get; }
    public MjmlOptions Options { get; }
    public GlobalData Global { get; } = new();

    /// <summary>A 16-hex-digit id for carousel, navbar and accordion inputs (random in mjml; see <see cref="MjmlOptions.IdGenerator"/>).</summary>
    public string NewId()
    {
        if (Options.IdGenerator is { } generator) return generator();
        return Random.Shared.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>mjml-core's addMediaQuery.</summary>
    public void AddMediaQuery(string className, string? parsedWidth, string? unit, string? padding)
    {
        var rule = "{";
        if (parsedWidth is not null && unit is not null) rule += " width:" + parsedWidth + unit + " !important; max-width: " + parsedWidth + unit + ";";
        if (!string.IsNullOrEmpty(padding)) rule += " padding: " + padding + " !important;";
        rule += " }";
        Global.MediaQueries[className] = rule;
    }

    /// <summary>
    /// Builds the component for <paramref name="node"/> as mjml's applyAttributes + initComponent do; null for unknown tags.
    /// Attribute precedence, low to high: component defaults, mj-all, attributes passed by the parent, mj-attributes
    /// defaults for the tag, mj-class, the parent's mj-class child defaults, the element's own attributes.
    /// </summary>
    public BodyComponent? Create(MjmlNode node, BodyContext context, ChildProps props, string parentMjClass,
        IReadOnlyList<KeyValuePair<string, string?>>? passed = null)
    {
        var spec = Registry.Find(node.TagName);
        if (spec?.CreateBody is null) return null;
        var g = Global;
        g.DefaultAttributes.TryGetValue("mj-all", out var all);
        // The spec's defaults, then what is set on this element over them.
        var attributes = new ComponentAttributes(spec);
        if (all is not null)
        {
            foreach (var pair in all) attributes.Set(pair.Key, pair.Value);
        }
        if (passed is not null)
        {
            foreach (var pair in passed)
            {
                // An undefined value passed by the parent hides the child's own default, as a JS spread does.
                if (pair.Value is null) attributes.Remove(pair.Key);
                else attributes.Set(pair.Key, pair.Value);
            }
        }
        if (g.DefaultAttributes.TryGetValue(node.TagName, out var tagDefaults))
        {
            foreach (var pair in tagDefaults) attributes.Set(pair.Key, pair.Value);
        }
        var mjClass = node.GetAttribute("mj-class");
        if (mjClass is not null && g.Classes.Count > 0)
        {
            string? cssClass = null;
            foreach (var name in mjClass.Split(' '))
            {
                if (!g.Classes.TryGetValue(name, out var values)) continue;
                foreach (var pair in values)
                {
                    if (pair.Key == "css-class")
                    {
                        cssClass = cssClass is null ? pair.Value : cssClass + " " + pair.Value;
                    }
                    else
                    {
                        attributes.Set(pair.Key, pair.Value);
                    }
                }
            }
            if (cssClass is not null) attributes.Set("css-class", cssClass);
        }
        if (parentMjClass.Length > 0 && g.ClassesDefault.Count > 0)
        {
            foreach (var name in parentMjClass.Split(' '))
            {
                if (g.ClassesDefault.TryGetValue(name, out var perTag) && perTag.TryGetValue(node.TagName, out var defaults))
                {
                    foreach (var pair in defaults) attributes.Set(pair.Key, pair.Value);
                }
            }
        }
        foreach (var pair in node.Attributes)
        {
            if (pair.Key != "mj-class") attributes.Set(pair.Key, pair.Value);
        }
        attributes.ExpandShortColors();
        var init = new ComponentInit(spec, node, attributes, context, props, this, mjClass ?? parentMjClass);
        var component = spec.CreateBody(init);
        component.RegisterHeadStyles();
        return component;
    }
}
