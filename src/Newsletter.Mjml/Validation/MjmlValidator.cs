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
            var allowed = spec.Children ?? [];
            foreach (var child in node.Children)
            {
                var childSpec = registry.Find(child.TagName);
                if (childSpec is null || child.TagName == "mjml") continue;
                // mj-attributes accepts anything (its dependency is a match-all pattern); unlisted parents accept nothing.
                if (spec.TagName == "mj-attributes") continue;
                if (Array.IndexOf(allowed, child.TagName) >= 0) continue;
                var parents = new List<string>();
                foreach (var candidate in DependencyOrder(registry))
                {
                    if (candidate.TagName == "mj-attributes" || (candidate.Children is { } c && Array.IndexOf(c, child.TagName) >= 0)) parents.Add(candidate.TagName);
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

    /// <summary>The keys of mjml-preset-core's dependency table, in its order (for "only inside:" lists).</summary>
    private static IEnumerable<ComponentSpec> DependencyOrder(ComponentRegistry registry)
    {
        yield return registry.Root;
        foreach (var name in DependencyKeys)
        {
            if (registry.Find(name) is { } spec) yield return spec;
        }
    }

    private static readonly string[] DependencyKeys =
    [
        "mj-accordion", "mj-accordion-element", "mj-accordion-title", "mj-accordion-text", "mj-attributes", "mj-body", "mj-button",
        "mj-carousel", "mj-carousel-image", "mj-column", "mj-html-attribute", "mj-html-attributes", "mj-divider", "mj-group", "mj-head", "mj-hero", "mj-image",
        "mj-navbar", "mj-raw", "mj-section", "mj-selector", "mj-social", "mj-social-element", "mj-spacer", "mj-table", "mj-text", "mj-wrapper",
    ];
}
