using Newsletter.Core.Security;

namespace Newsletter.Data.Security;

/// <summary>
/// The web's data-protection key ring (table <c>data_protection_keys</c>): XML documents by name, as ASP.NET Core's
/// <c>IXmlRepository</c> wants them — synchronous, append-only. The web encrypts each document before it comes here.
/// Shared by every node on one database, so a cookie or a form token issued by one node is accepted by all.
/// </summary>
public sealed class DataProtectionKeyStore(NewsletterDatabase database, TimeProvider time) : IDataProtectionKeyStore
{
    /// <summary>Every stored document, oldest first.</summary>
    public IReadOnlyList<string> All()
    {
        // Synchronous because IXmlRepository is; the key ring is read once and then cached by data protection.
        using var connection = database.OpenConnectionAsync().GetAwaiter().GetResult();
        using var command = connection.Command("SELECT xml FROM data_protection_keys ORDER BY created_at, name");
        using var reader = command.ExecuteReader();
        var list = new List<string>();
        while (reader.Read()) list.Add(reader.GetString(0));
        return list;
    }

    /// <summary>Stores <paramref name="xml"/> under <paramref name="name"/>; a name stored before is kept as it was (names are unique key ids).</summary>
    public void Add(string name, string xml)
    {
        using var connection = database.OpenConnectionAsync().GetAwaiter().GetResult();
        using var command = connection.Command(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@n, @x, @now) ON CONFLICT (name) DO NOTHING")
            .With("@n", name).With("@x", xml).With("@now", time.GetUtcNow());
        command.ExecuteNonQuery();
    }
}
