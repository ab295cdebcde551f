namespace Newsletter.Core.Composition;

/// <summary>
/// One audience variant of an issue, compiled once: what every recipient of that variant gets, up to the
/// recipient slots. <paramref name="Html"/> is the MJML output; <paramref name="Text"/> the text/plain part.
/// </summary>
public sealed record ComposedVariant(string Key, string Subject, string? Preheader, SlotTemplate Html, SlotTemplate Text);
