namespace Newsletter.Mjml.Parsing;

/// <summary>One element of the parsed MJML tree, as mjml-parser-xml builds it.</summary>
internal sealed class MjmlNode
{
    public MjmlNode(string tagName, int line, List<KeyValuePair<string, string>>? attributes = null)
    {
        TagName = tagName;
        Line = line;
        Attributes = attributes ?? [];
    }

    public string TagName { get; }

    /// <summary>1-based line of the opening tag.</summary>
    public int Line { get; }

    /// <summary>Attributes in source order; the first of duplicated names wins, as in htmlparser2.</summary>
    public List<KeyValuePair<string, string>> Attributes { get; }

    public List<MjmlNode> Children { get; } = [];

    /// <summary>Raw inner markup of ending tags, or the trimmed text of other tags; null when none.</summary>
    public string? Content { get; set; }

    /// <summary>Set when the node stands for an mj-include that failed; the validator reports it.</summary>
    public string? IncludeError { get; set; }

    /// <summary>Files this node was included from (outermost first), for error messages.</summary>
    public MjmlNode? Parent { get; set; }

    public string? GetAttribute(string name)
    {
        foreach (var pair in Attributes)
        {
            if (pair.Key == name) return pair.Value;
        }
        return null;
    }

    public MjmlNode? FindChild(string tagName)
    {
        foreach (var child in Children)
        {
            if (child.TagName == tagName) return child;
        }
        return null;
    }
}
