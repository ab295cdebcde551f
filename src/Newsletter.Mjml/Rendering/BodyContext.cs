namespace Newsletter.Mjml.Rendering;

/// <summary>What a parent hands down to its children (mjml's child context): the width available and layout hints.</summary>
internal sealed record BodyContext
{
    public string? ContainerWidth { get; init; }
    public string? Gap { get; init; }
    public string? Gutter { get; init; }
    public string? Direction { get; init; }
    public bool IsInGroup { get; init; }
    public string? AccordionFontFamily { get; init; }
    public string? ElementFontFamily { get; init; }
    public string? Thumbnails { get; init; }
}

/// <summary>A child's place among its siblings (mjml's props).</summary>
internal readonly record struct ChildProps(int Index, int Sibling, int NonRawSiblings)
{
    public bool First => Index == 0;
    public bool Last => Index + 1 == Sibling;
}
