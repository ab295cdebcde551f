namespace Newsletter.Core.Composition;

/// <summary>
/// The per-recipient values left open when an issue variant is compiled. Templates write them as
/// <c>[[nl:salutation]]</c> etc. (see <see cref="SlotTemplate"/>); Liquid and MJML pass the marker through untouched.
/// </summary>
public enum RecipientSlot
{
    Salutation,
    Name,
    Email,
    UnsubscribeUrl,
    ViewUrl,
}

/// <summary>The values of <see cref="RecipientSlot"/> for one recipient, unescaped.</summary>
public sealed record RecipientValues(string Salutation, string Name, string Email, string UnsubscribeUrl, string ViewUrl)
{
    /// <summary>
    /// The made-up reader of previews (CLI and web admin): 尊敬的王局长, with placeholder links. The web view is the
    /// preview itself (an empty URL), so the contents' links to its anchors (<c>{view_url}#s1</c>) work in a preview.
    /// </summary>
    public static RecipientValues Sample { get; } = new("尊敬的王局长", "王建国", "preview@example.org", "#unsubscribe", "");

    public string this[RecipientSlot slot] => slot switch
    {
        RecipientSlot.Salutation => Salutation,
        RecipientSlot.Name => Name,
        RecipientSlot.Email => Email,
        RecipientSlot.UnsubscribeUrl => UnsubscribeUrl,
        RecipientSlot.ViewUrl => ViewUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };
}
