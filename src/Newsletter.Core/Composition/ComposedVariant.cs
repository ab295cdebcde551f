namespace Newsletter.Core.Composition;

/// <summary>
/// One audience variant of an issue, compiled once: what every recipient of that variant gets, up to the
/// recipient slots. <paramref name="Html"/> is the MJML output; <paramref name="Text"/> the text/plain part (CRLF line ends).
/// </summary>
public sealed record ComposedVariant(string Key, string Subject, string? Preheader, SlotTemplate Html, SlotTemplate Text)
{
    /// <summary>The bytes counted for each recipient slot in <see cref="HtmlBytes"/>: a long name, address or link, escaped.</summary>
    public const int SlotAllowance = 160;

    /// <summary>The size of the HTML part a recipient gets: the literal UTF-8 bytes plus <see cref="SlotAllowance"/> per slot.</summary>
    public int HtmlBytes => Html.Utf8Length + Html.Slots.Count * SlotAllowance;
}
