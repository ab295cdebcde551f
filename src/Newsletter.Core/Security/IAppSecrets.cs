namespace Newsletter.Core.Security;

/// <summary>
/// Random secrets generated once and kept with the data, so every node sharing one database agrees on them: the
/// first node to ask creates the value, later ones read it. Implemented in Newsletter.Data (<c>app_secrets</c>).
/// </summary>
public interface IAppSecrets
{
    /// <summary>The secret called <paramref name="name"/>, creating <paramref name="length"/> random bytes on first use.</summary>
    Task<byte[]> GetOrCreateAsync(string name, int length = 32, CancellationToken ct = default);
}

/// <summary>
/// The web's data-protection key ring (the keys behind the sign-in cookie and the antiforgery tokens): XML documents
/// by name, synchronous and append-only as ASP.NET Core's <c>IXmlRepository</c> wants them, shared by every node on
/// one database. The web encrypts each document before it comes here. Implemented in Newsletter.Data.
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every stored document, oldest first.</summary>
    IReadOnlyList<string> All();

    /// <summary>Stores <paramref name="xml"/> under <paramref name="name"/>; a name stored before is kept as it was.</summary>
    void Add(string name, string xml);
}
