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
        // Sized for the usual case, so it is not grown (re-allocated) two or three times for every component.
        var attributes = new Dictionary<string, string>(spec.DefaultAttributes.Count + (all?.Count ?? 0) + node.Attributes.Count, StringComparer.Ordinal);
        foreach (var pair in spec.DefaultAttributes) attributes[pair.Key] = pair.Value;
        if (all is not null)
        {
            foreach (var pair in all) attributes[pair.Key] = pair.Value;
        }
        if (passed is not null)
        {
            foreach (var pair in passed)
            {
                // An undefined value passed by the parent hides the child's own default, as a JS spread does.
                if (pair.Value is null) attributes.Remove(pair.Key);
                else attributes[pair.Key] = pair.Value;
            }
        }
        if (g.DefaultAttributes.TryGetValue(node.TagName, out var tagDefaults))
        {
            foreach (var pair in tagDefaults) attributes[pair.Key] = pair.Value;
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
                        attributes[pair.Key] = pair.Value;
                    }
                }
            }
            if (cssClass is not null) attributes["css-class"] = cssClass;
        }
        if (parentMjClass.Length > 0 && g.ClassesDefault.Count > 0)
        {
            foreach (var name in parentMjClass.Split(' '))
            {
                if (g.ClassesDefault.TryGetValue(name, out var perTag) && perTag.TryGetValue(node.TagName, out var defaults))
                {
                    foreach (var pair in defaults) attributes[pair.Key] = pair.Value;
                }
            }
        }
        foreach (var pair in node.Attributes)
        {
            if (pair.Key != "mj-class") attributes[pair.Key] = pair.Value;
        }
        ExpandShortColors(spec, attributes);
        var init = new ComponentInit(spec, node, attributes, context, props, this, mjClass ?? parentMjClass);
        var component = spec.CreateBody(init);
        component.RegisterHeadStyles();
        return component;
    }

    /// <summary>mjml's color type turns <c>#abc</c> into <c>#aabbcc</c>.</summary>
    public static void ExpandShortColors(ComponentSpec spec, Dictionary<string, string> attributes)
    {
        foreach (var name in spec.ColorAttributes)
        {
            if (attributes.TryGetValue(name, out var v) && v.Length == 4 && v[0] == '#' && IsWord(v[1]) && IsWord(v[2]) && IsWord(v[3]))
            {
                attributes[name] = string.Concat("#", new string(v[1], 2), new string(v[2], 2), new string(v[3], 2));
            }
        }
    }

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
