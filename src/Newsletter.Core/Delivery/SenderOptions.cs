namespace Newsletter.Core.Delivery;

/// <summary>Settings section <c>Sender</c>: who the bulletin comes from.</summary>
public sealed record SenderOptions
{
    /// <summary>From, as <c>"Display name" &lt;address&gt;</c> or a bare address.</summary>
    public string From { get; init; } = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>";

    /// <summary>Reply-To; when empty, the From mailbox (replies to the editor's note reach the sender).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>Domain of Message-IDs (<c>&lt;uuid@domain&gt;</c>); default the From address's domain.</summary>
    public string? MessageIdDomain { get; init; }

    /// <summary>Address for mailto one-click unsubscribe; default <c>unsubscribe@</c> the From domain.</summary>
    public string? UnsubscribeMailbox { get; init; }

    /// <summary>List-Id identifier (RFC 2919); default <c>bulletin.</c> the From domain.</summary>
    public string? ListId { get; init; }

    /// <summary>
    /// VERP envelope sender, e.g. <c>bounces+{local}={domain}@example.org</c>: <c>{local}</c> and <c>{domain}</c> are
    /// replaced by the recipient's, so a bounce names whom it is about. Default none: the envelope sender is From.
    /// </summary>
    public string? VerpReturnPath { get; init; }
}

/// <summary>
/// Settings section <c>Dkim</c>: optional DKIM signing (rsa-sha256, relaxed/relaxed). Signing is on when
/// <see cref="Domain"/>, <see cref="Selector"/> and <see cref="KeyFile"/> are all set; default off. With
/// <see cref="Ed25519Selector"/> and <see cref="Ed25519KeyFile"/> too, every message carries a second signature,
/// ed25519-sha256 (RFC 8463), as well as (never instead of) the RSA one.
/// </summary>
public sealed record DkimOptions
{
    /// <summary>The signing domain (<c>d=</c>), normally the From domain.</summary>
    public string? Domain { get; init; }

    /// <summary>The selector (<c>s=</c>): the public key is published at <c>{Selector}._domainkey.{Domain}</c>.</summary>
    public string? Selector { get; init; }

    /// <summary>The PEM file of the RSA private key.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// The selector of the Ed25519 key (a selector of its own: one DNS record holds one key), published as
    /// <c>v=DKIM1; k=ed25519; p=&lt;the 32-byte public key, base64&gt;</c>. Default none (no second signature).
    /// </summary>
    public string? Ed25519Selector { get; init; }

    /// <summary>The PEM (PKCS#8) file of the Ed25519 private key, as <c>openssl genpkey -algorithm ed25519</c> writes it.</summary>
    public string? Ed25519KeyFile { get; init; }

    /// <summary>Whether all three settings are present.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector) && !string.IsNullOrWhiteSpace(KeyFile);

    /// <summary>Whether the second, Ed25519 signature is configured (it needs the RSA one: <see cref="Enabled"/>).</summary>
    public bool Ed25519Enabled => Enabled && !string.IsNullOrWhiteSpace(Ed25519Selector) && !string.IsNullOrWhiteSpace(Ed25519KeyFile);
}
