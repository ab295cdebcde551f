namespace Newsletter.Core.Composition;

/// <summary>Settings section <c>Composition</c>: limits on what a composed variant may be.</summary>
public sealed record CompositionOptions
{
    /// <summary>The Gmail clipping threshold this limit keeps clear of: above ~102 KB of HTML Gmail hides the rest, unsubscribe link included.</summary>
    public const int GmailClipBytes = 102_400;

    /// <summary>
    /// The largest HTML part a variant may have, in UTF-8 bytes with the recipient slots counted at
    /// <see cref="ComposedVariant.SlotAllowance"/> each; default 100,000 (Gmail's 102,400 less a margin). Publishing a
    /// larger variant is refused; 0 or less switches the check off.
    /// </summary>
    public int MaxHtmlBytes { get; init; } = 100_000;
}
