using Newsletter.Mjml.Components.Body;
using Newsletter.Mjml.Components.Head;

namespace Newsletter.Mjml.Rendering;

/// <summary>The one table of every known component (mjml-preset-core 5.4.1). Immutable, shared by all compilations.</summary>
internal sealed class ComponentRegistry
{
    /// <summary>Tags that have no component but are valid inside their parents (mjml-validator's componentLessTags).</summary>
    public static readonly HashSet<string> ComponentLessTags = new(StringComparer.Ordinal) { "mj-all", "mj-class", "mj-selector", "mj-html-attribute" };

    public static ComponentRegistry Default { get; } = new(
    [
        MjBody.Definition,
        MjHead.Definition,
        MjAttributes.Definition,
        MjBreakpoint.Definition,
        MjFont.Definition,
        MjHtmlAttributes.Definition,
        MjPreview.Definition,
        MjStyle.Definition,
        MjTitle.Definition,
        MjSection.Definition,
        MjWrapper.Definition,
        MjColumn.Definition,
        MjGroup.Definition,
        MjHero.Definition,
        Components.Body.Carousel.MjCarousel.Definition,
        Components.Body.Carousel.MjCarouselImage.Definition,
        Components.Body.Accordion.MjAccordion.Definition,
        Components.Body.Accordion.MjAccordionElement.Definition,
        Components.Body.Accordion.MjAccordionTitle.Definition,
        Components.Body.Accordion.MjAccordionText.Definition,
        Components.Body.Navbar.MjNavbar.Definition,
        Components.Body.Navbar.MjNavbarLink.Definition,
        Components.Body.Social.MjSocial.Definition,
        Components.Body.Social.MjSocialElement.Definition,
        MjText.Definition,
        MjImage.Definition,
        MjButton.Definition,
        MjDivider.Definition,
        MjSpacer.Definition,
        MjTable.Definition,
        MjRaw.Definition,
    ]);

    private readonly Dictionary<string, ComponentSpec> _byTag;

    public ComponentRegistry(IEnumerable<ComponentSpec> specs)
    {
        _byTag = new Dictionary<string, ComponentSpec>(StringComparer.Ordinal);
        foreach (var spec in specs) _byTag[spec.TagName] = spec;
    }

    public ComponentSpec? Find(string tagName) => _byTag.TryGetValue(tagName, out var spec) ? spec : null;

    public bool IsEndingTag(string tagName) => _byTag.TryGetValue(tagName, out var spec) && spec.EndingTag;

    public IEnumerable<ComponentSpec> All => _byTag.Values;
}
