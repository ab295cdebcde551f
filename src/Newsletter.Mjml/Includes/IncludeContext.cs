using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml;

/// <summary>Resolves mj-include inside one allow-listed folder.</summary>
internal sealed class IncludeContext
{
    public IncludeContext(string directory, ComponentRegistry registry, bool keepComments)
    {
        Directory = directory;
        Registry = registry;
        KeepComments = keepComments;
    }

    public string Directory { get; }
    public ComponentRegistry Registry { get; }
    public bool KeepComments { get; }

    public void Handle(MjmlParser parser, MjmlNode current, MjmlNode root, List<KeyValuePair<string, string>> attributes, int line)
    {
    }

    public void AppendCssIncludes(MjmlNode root)
    {
    }
}
