using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Validation;

/// <summary>mjml-validator's rules (valid attributes, children, tags, types, include errors), in its order.</summary>
internal static class MjmlValidator
{
    private static readonly HashSet<string> Whitelist = new(StringComparer.Ordinal) { "mj-class", "css-class" };

    public static void Validate(MjmlNode root, ComponentRegistry registry, List<MjmlError> errors)
    {
        var stack = new Stack<MjmlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.TagName != "mjml") ValidateElement(node, registry, errors);
            for (var i = node.Children.Count - 1; i >= 0; i--) stack.Push(node.Children[i]);
        }
    }

    private static void ValidateElement(MjmlNode node, ComponentRegistry registry, List<MjmlError> errors)
    {
        var spec = registry.Find(node.TagName);

        if (spec is not null && node.Attributes.Count > 0)
        {
            List<string>? unknown = null;
            foreach (var pair in node.Attributes)
            {
                if (!spec.AllowedAttributes.ContainsKey(pair.Key) && !Whitelist.Contains(pair.Key)) (unknown ??= []).Add(pair.Key);
            }
            if (unknown is not null)
            {
                var message = unknown.Count > 1
                    ? $"Attributes {string.Join(", ", unknown)} are illegal"
                    : $"Attribute {unknown[0]} is illegal";
                errors.Add(new MjmlError(node.Line, node.TagName, message));
            }
        }

        if (spec is not null && node.Children.Count > 0)
        {
            Dependencies.TryGetValue(node.TagName, out var allowed);
            foreach (var child in node.Children)
            {
                if (registry.Find(child.TagName) is null || child.TagName == "mjml") continue;
                // mj-attributes accepts anything (its dependency is a match-all pattern); unlisted parents accept nothing.
                if (node.TagName == "mj-attributes") continue;
                if (allowed is not null && Array.IndexOf(allowed, child.TagName) >= 0) continue;
                var parents = new List<string>();
                foreach (var (parent, children) in Dependencies)
                {
                    if (parent == "mj-attributes" || Array.IndexOf(children, child.TagName) >= 0) parents.Add(parent);
                }
                errors.Add(new MjmlError(child.Line, child.TagName,
                    $"{child.TagName} cannot be used inside {node.TagName}, only inside: {string.Join(", ", parents)}"));
            }
        }

        if (spec is null && !ComponentRegistry.ComponentLessTags.Contains(node.TagName))
        {
            errors.Add(new MjmlError(node.Line, node.TagName, $"Element {node.TagName} doesn't exist or is not registered"));
        }

        if (spec is not null)
        {
            foreach (var pair in node.Attributes)
            {
                if (!spec.AllowedAttributes.TryGetValue(pair.Key, out var type)) continue;
                var message = AttributeTypes.Check(type, pair.Value);
                if (message is not null) errors.Add(new MjmlError(node.Line, node.TagName, $"Attribute {pair.Key} {message}"));
            }
        }

        if (node.IncludeError is not null)
        {
            errors.Add(new MjmlError(node.Line, node.TagName, node.IncludeError));
        }
    }

    /// <summary>mjml-preset-core's dependency table: which children each tag accepts (mj-attributes: any), in its key order.</summary>
    private static readonly OrderedDictionary<string, string[]> Dependencies = new(StringComparer.Ordinal)
    {
        ["mjml"] = ["mj-body", "mj-head", "mj-raw"],
        ["mj-accordion"] = ["mj-accordion-element", "mj-raw"],
        ["mj-accordion-element"] = ["mj-accordion-title", "mj-accordion-text", "mj-raw"],
        ["mj-accordion-title"] = [],
        ["mj-accordion-text"] = [],
        ["mj-attributes"] = [],
        ["mj-body"] = ["mj-raw", "mj-section", "mj-wrapper", "mj-hero"],
        ["mj-button"] = [],
        ["mj-carousel"] = ["mj-carousel-image"],
        ["mj-carousel-image"] = [],
        ["mj-column"] = ["mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-raw", "mj-social", "mj-spacer", "mj-table", "mj-text", "mj-navbar"],
        ["mj-html-attribute"] = [],
        ["mj-html-attributes"] = ["mj-selector"],
        ["mj-divider"] = [],
        ["mj-group"] = ["mj-column", "mj-raw"],
        ["mj-head"] = ["mj-attributes", "mj-breakpoint", "mj-html-attributes", "mj-font", "mj-preview", "mj-style", "mj-title", "mj-raw"],
        ["mj-hero"] = ["mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-social", "mj-spacer", "mj-table", "mj-text", "mj-navbar", "mj-raw"],
        ["mj-image"] = [],
        ["mj-navbar"] = ["mj-navbar-link", "mj-raw"],
        ["mj-raw"] = [],
        ["mj-section"] = ["mj-column", "mj-group", "mj-raw"],
        ["mj-selector"] = ["mj-html-attribute"],
        ["mj-social"] = ["mj-social-element", "mj-raw"],
        ["mj-social-element"] = [],
        ["mj-spacer"] = [],
        ["mj-table"] = [],
        ["mj-text"] = [],
        ["mj-wrapper"] = ["mj-hero", "mj-raw", "mj-section"],
    };
}
