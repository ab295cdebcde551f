using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Head;

/// <summary>mj-head: runs its children's handlers.</summary>
internal static class MjHead
{
    public static readonly ComponentSpec Definition = new("mj-head", [], [])
    {
        HandleHead = Handle,
    };

    private static void Handle(MjmlNode node, RenderSession session)
    {
        foreach (var child in node.Children)
        {
            var spec = session.Registry.Find(child.TagName);
            spec?.HandleHead?.Invoke(child, session);
        }
    }
}

/// <summary>mj-title: the document title (also the body's aria-label).</summary>
internal static class MjTitle
{
    public static readonly ComponentSpec Definition = new("mj-title", [], [])
    {
        EndingTag = true,
        HandleHead = static (node, session) => session.Global.Title = HeadContent.Of(node),
    };
}

/// <summary>mj-preview: the hidden preview text.</summary>
internal static class MjPreview
{
    public static readonly ComponentSpec Definition = new("mj-preview", [], [])
    {
        EndingTag = true,
        HandleHead = static (node, session) => session.Global.Preview = HeadContent.Of(node),
    };
}

/// <summary>mj-style: CSS for the head, or (inline="inline") to inline into elements.</summary>
internal static class MjStyle
{
    public static readonly ComponentSpec Definition = new("mj-style", ["inline", "string"], [])
    {
        EndingTag = true,
        HandleHead = static (node, session) =>
        {
            var content = HeadContent.Of(node);
            if (node.GetAttribute("inline") == "inline") session.Global.InlineStyle.Add(content);
            else session.Global.Style.Add(content);
        },
    };
}

/// <summary>mj-breakpoint: the width where columns stack.</summary>
internal static class MjBreakpoint
{
    public static readonly ComponentSpec Definition = new("mj-breakpoint", ["width", "unit(px)"], [])
    {
        EndingTag = true,
        HandleHead = static (node, session) =>
        {
            if (node.GetAttribute("width") is { } width) session.Global.Breakpoint = width;
        },
    };
}

/// <summary>mj-font: a web font to import when used.</summary>
internal static class MjFont
{
    public static readonly ComponentSpec Definition = new("mj-font", ["name", "string", "href", "string"], [])
    {
        HandleHead = static (node, session) =>
        {
            var name = node.GetAttribute("name") ?? "undefined";
            session.Global.Fonts[name] = node.GetAttribute("href")!;
        },
    };
}

/// <summary>mj-attributes: default attributes per tag, for all (mj-all) and per mj-class.</summary>
internal static class MjAttributes
{
    public static readonly ComponentSpec Definition = new("mj-attributes", [], [])
    {
        HandleHead = Handle,
    };

    private static void Handle(MjmlNode node, RenderSession session)
    {
        var g = session.Global;
        foreach (var child in node.Children)
        {
            if (child.TagName == "mj-class")
            {
                var name = child.GetAttribute("name") ?? "undefined";
                if (!g.Classes.TryGetValue(name, out var values))
                {
                    values = new(StringComparer.Ordinal);
                    g.Classes[name] = values;
                }
                foreach (var pair in child.Attributes)
                {
                    if (pair.Key != "name") values[pair.Key] = pair.Value;
                }
                if (!g.ClassesDefault.TryGetValue(name, out var perTag))
                {
                    perTag = new(StringComparer.Ordinal);
                    g.ClassesDefault[name] = perTag;
                }
                var merged = new OrderedDictionary<string, OrderedDictionary<string, string>>(StringComparer.Ordinal);
                foreach (var grandChild in child.Children)
                {
                    var attrs = new OrderedDictionary<string, string>(StringComparer.Ordinal);
                    foreach (var pair in grandChild.Attributes) attrs[pair.Key] = pair.Value;
                    merged[grandChild.TagName] = attrs;
                }
                foreach (var pair in merged) perTag[pair.Key] = pair.Value;
            }
            else
            {
                if (!g.DefaultAttributes.TryGetValue(child.TagName, out var values))
                {
                    values = new(StringComparer.Ordinal);
                    g.DefaultAttributes[child.TagName] = values;
                }
                foreach (var pair in child.Attributes) values[pair.Key] = pair.Value;
            }
        }
    }
}

/// <summary>mj-html-attributes: attributes to set on output elements matched by CSS selectors.</summary>
internal static class MjHtmlAttributes
{
    public static readonly ComponentSpec Definition = new("mj-html-attributes", [], [])
    {
        HandleHead = Handle,
    };

    private static void Handle(MjmlNode node, RenderSession session)
    {
        var g = session.Global;
        foreach (var selector in node.Children)
        {
            if (selector.TagName != "mj-selector") continue;
            var path = selector.GetAttribute("path") ?? "undefined";
            var custom = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var attribute in selector.Children)
            {
                if (attribute.TagName != "mj-html-attribute") continue;
                var name = attribute.GetAttribute("name");
                if (!Js.Truthy(name)) continue;
                custom[name!] = attribute.Content ?? "";
            }
            if (!g.HtmlAttributes.TryGetValue(path, out var existing))
            {
                g.HtmlAttributes[path] = custom;
            }
            else
            {
                foreach (var pair in custom) existing[pair.Key] = pair.Value;
            }
        }
    }
}

internal static class HeadContent
{
    /// <summary>mjml's getContent(): the content trimmed, empty when none.</summary>
    public static string Of(MjmlNode node) => node.Content is { } c ? c.Trim() : "";
}
