using System.Security.Cryptography;
using MimeKit;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// The <c>Dkim:*</c> settings as an operator gives them (environment variables of the CLI), through <c>publish</c> to
/// the pickup folder: each message carries a signature of the configured domain and selector that an independent
/// verifier (dkimpy) accepts with the published key, and refuses with another key.
/// </summary>
[Requires("dkimpy")]
[Slow]
public sealed class DkimSettingsTests
{
    [Fact]
    public void Published_messages_are_signed_with_the_configured_key_and_verify()
    {
        using var workspace = CliProcess.NewWorkspace();
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var keyFile = Path.Combine(workspace.Path, "dkim.pem");
        File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        var environment = new Dictionary<string, string>
        {
            ["NEWSLETTER_Security__TokenSecret"] = "test-secret-for-unsubscribe-tokens-0123456789",
            ["NEWSLETTER_PublicBaseUrl"] = "https://bulletin.example.org",
            ["NEWSLETTER_Sender__From"] = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>",
            ["NEWSLETTER_Dkim__Domain"] = "xcsti.example.org",
            ["NEWSLETTER_Dkim__Selector"] = "nl2026",
            ["NEWSLETTER_Dkim__KeyFile"] = keyFile,
        };

        var result = CliProcess.Run(workspace.Path, environment, "publish", "seeds/sample-issue.md");
        Assert.True(result.ExitCode == 0, result.ToString());

        var files = Directory.GetFiles(Path.Combine(workspace.Path, "data", "outbox", "campaign-1"), "*.eml").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var signature = MimeMessage.Load(file).Headers[HeaderId.DkimSignature];
            Assert.False(signature is null, $"{file} is not signed");
            var tags = signature.Replace("\r\n", "", StringComparison.Ordinal).Split(';')
                .Select(t => t.Trim().Split('=', 2)).Where(t => t.Length == 2).ToDictionary(t => t[0], t => t[1]);
            Assert.Equal(("xcsti.example.org", "nl2026"), (tags["d"], tags["s"]));
        }
        // The first, a middle and the last message, checked end to end by the verifier.
        foreach (var file in new[] { files[0], files[files.Count / 2], files[^1] })
        {
            var wire = File.ReadAllBytes(file);
            Assert.Equal("pass", DkimVerifier.Verify(wire, Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));
            Assert.Equal("fail", DkimVerifier.Verify(wire, Convert.ToBase64String(other.ExportSubjectPublicKeyInfo())));
        }
    }
}
