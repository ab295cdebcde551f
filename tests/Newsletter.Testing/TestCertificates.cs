using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// Certificates made in the test (ECDSA P-256, valid from an hour ago for a day), never installed in a trust store.
/// A server certificate names <c>localhost</c> and <c>127.0.0.1</c>, so a client connecting to either finds its name.
/// </summary>
public static class TestCertificates
{
    /// <summary>A self-signed server certificate (with its private key): no chain a client could trust.</summary>
    public static X509Certificate2 SelfSigned(string commonName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServerRequest(commonName, key);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return Reload(certificate);
    }

    internal static CertificateRequest ServerRequest(string commonName, ECDsa key)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>A PKCS#12 round trip, so the private key is usable by SslStream on every platform.</summary>
    internal static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);

    /// <summary>A certificate as PEM text (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public static string ToPem(X509Certificate2 certificate) =>
        new StringBuilder().AppendLine(PemEncoding.WriteString("CERTIFICATE", certificate.RawData)).ToString();
}

/// <summary>
/// A certificate authority made in the test. A process that trusts it (e.g. a child process started with
/// <c>SSL_CERT_FILE</c> pointing at <see cref="ToPem"/>) validates the server certificates it issues.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    public TestCertificateAuthority(string name = "Newsletter Test CA")
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=Newsletter tests", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddDays(2));
    }

    /// <summary>The authority's own certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A server certificate for <c>localhost</c> / <c>127.0.0.1</c> signed by this authority, with its private key.</summary>
    /// <param name="crlUrl">Where clients fetch this authority's CRL (see <see cref="CreateCrl"/>); none when null.</param>
    public X509Certificate2 IssueServerCertificate(string? crlUrl = null, string commonName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = TestCertificates.ServerRequest(commonName, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (crlUrl is not null)
        {
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlUrl]));
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return TestCertificates.Reload(withKey);
    }

    /// <summary>A DER CRL of this authority, valid for a day, listing <paramref name="revoked"/>.</summary>
    public byte[] CreateCrl(params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-30), X509RevocationReason.KeyCompromise);
        }
        return builder.Build(Certificate, System.Numerics.BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256,
            thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-10));
    }

    /// <summary>The authority's certificate as PEM, for a trust bundle file.</summary>
    public string ToPem() => TestCertificates.ToPem(Certificate);

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
