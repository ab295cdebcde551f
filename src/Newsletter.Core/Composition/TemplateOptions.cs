namespace Newsletter.Core.Composition;

/// <summary>Settings section <c>Templates</c>.</summary>
public sealed record TemplateOptions
{
    /// <summary>Folder holding <see cref="Layout"/> and its partials; default <c>templates</c> (relative to the current folder).</summary>
    public string Directory { get; init; } = "templates";

    /// <summary>The layout file inside <see cref="Directory"/>: MJML with Liquid; default <c>bulletin.mjml.liquid</c>.</summary>
    public string Layout { get; init; } = "bulletin.mjml.liquid";
}
