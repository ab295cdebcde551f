using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using Newsletter.Core;
using Newsletter.Core.Security;

namespace Newsletter.Web.Infrastructure;

/// <summary>
/// Data protection (the keys behind the sign-in cookie and the antiforgery tokens) kept in the database rather than
/// in <c>~/.aspnet</c>: every node sharing the database shares the key ring, and nothing depends on a writable HOME.
/// Each key is encrypted at rest with AES-256-GCM under <see cref="WebOptions.DataProtectionKey"/> (generated once
/// and kept in <c>app_secrets</c> when not configured — set it in production so the database alone does not hold both).
/// </summary>
public static class DataProtectionKeys
{
    /// <summary>Shared by every node: without it the purpose would be the content root, which differs per machine.</summary>
    public const string ApplicationName = "Newsletter";

    public static IServiceCollection AddDatabaseDataProtection(this IServiceCollection services, WebOptions options)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton(sp => KeyEncryptionKey.Resolve(options, sp.GetRequiredService<IAppSecrets>()));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IDataProtectionKeyStore>());
            keys.XmlEncryptor = new AesGcmXmlEncryptor(sp.GetRequiredService<KeyEncryptionKey>());
        }));
        return services;
    }
}

/// <summary>The 256-bit key the data-protection keys are encrypted with.</summary>
public sealed class KeyEncryptionKey
{
    /// <summary>The secret's name in <c>app_secrets</c> when <c>Web:DataProtectionKey</c> is not set.</summary>
    public const string SecretName = "web.data_protection_key";

    private KeyEncryptionKey(byte[] key) => Key = key;

    internal byte[] Key { get; }

    /// <exception cref="SettingsException">The configured key is shorter than 16 characters.</exception>
    public static KeyEncryptionKey Resolve(WebOptions options, IAppSecrets secrets)
    {
        if (options.DataProtectionKey is { Length: > 0 } configured)
        {
            return configured.Length < 16
                ? throw new SettingsException(Core.Localization.Texts.Get("core.settings.data_protection_key_short"))
                : new KeyEncryptionKey(SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        }
        // Resolved once, when data protection first loads its key ring.
        return new KeyEncryptionKey(secrets.GetOrCreateAsync(SecretName).GetAwaiter().GetResult());
    }
}

/// <summary>The key ring in <see cref="IDataProtectionKeyStore"/>.</summary>
internal sealed class DatabaseXmlRepository(IDataProtectionKeyStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => store.All().Select(x => XElement.Parse(x)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        store.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}

/// <summary>Encrypts a key's XML with AES-256-GCM: <c>&lt;aesGcm nonce="…"&gt;ciphertext+tag&lt;/aesGcm&gt;</c> (base64).</summary>
internal sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key.Key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(AesGcmXmlDecryptor.ElementName,
            new XComment(" encrypted with Web:DataProtectionKey (AES-256-GCM) "),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            Convert.ToBase64String([.. ciphertext, .. tag]));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>Decrypts what <see cref="AesGcmXmlEncryptor"/> wrote; data protection creates it with the service provider.</summary>
internal sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    internal const string ElementName = "aesGcm";

    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyEncryptionKey>();
        var nonce = Convert.FromBase64String((string?)encryptedElement.Attribute("nonce") ?? "");
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value.Trim());
        var tagLength = AesGcm.TagByteSizes.MaxSize;
        if (sealedBytes.Length < tagLength) throw new CryptographicException("a stored data-protection key is truncated");
        var plaintext = new byte[sealedBytes.Length - tagLength];
        try
        {
            using var aes = new AesGcm(key.Key, tagLength);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                "a stored data-protection key does not decrypt with Web:DataProtectionKey (was the setting changed, or differs between nodes?)", e);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
