using System.Diagnostics;

namespace Newsletter.Testing;

/// <summary>Debian's python3-dkim (dkimpy) as an independent DKIM verifier, with the DNS lookup answered by our public key.</summary>
public static class DkimVerifier
{
    private const string Python = "/usr/bin/python3";

    /// <summary>"pass" or "fail" for the message (as it goes on the wire), verified against the given key.</summary>
    /// <param name="publicKeyBase64">The SubjectPublicKeyInfo, base64 (the <c>p=</c> of the DNS record).</param>
    public static string Verify(byte[] message, string publicKeyBase64)
    {
        const string script = """
            import sys, dkim
            key = sys.argv[1]
            msg = sys.stdin.buffer.read()
            ok = dkim.verify(msg, dnsfunc=lambda name, timeout=5: ("v=DKIM1; k=rsa; p=" + key).encode())
            print("pass" if ok else "fail")
            """;
        return Run(script, publicKeyBase64, message, "import dkim", "python3-dkim");
    }

    /// <summary>
    /// Each DKIM-Signature's verdict, top first ("pass" or "fail"), the DNS answered from <paramref name="records"/>
    /// (selector → TXT record, e.g. <c>v=DKIM1; k=ed25519; p=…</c>). Ed25519 (RFC 8463) needs python3-nacl.
    /// </summary>
    public static IReadOnlyList<string> VerifyEach(byte[] message, IReadOnlyDictionary<string, string> records)
    {
        const string script = """
            import sys, json, dkim
            records = json.loads(sys.argv[1])
            msg = sys.stdin.buffer.read()
            def dns(name, timeout=5):
                name = name.decode() if isinstance(name, bytes) else name
                return records.get(name.split("._domainkey.")[0], "").encode()
            d = dkim.DKIM(msg)
            count = sum(1 for k, v in d.headers if k.lower() == b"dkim-signature")
            print(" ".join("pass" if d.verify(idx=i, dnsfunc=dns) else "fail" for i in range(count)))
            """;
        var output = Run(script, System.Text.Json.JsonSerializer.Serialize(records), message, "import dkim, nacl", "python3-dkim python3-nacl");
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Makes an Ed25519 private key in <paramref name="keyFile"/> as an operator does (<c>openssl genpkey -algorithm
    /// ed25519</c>) and returns the <c>p=</c> of its DNS record: the raw 32-byte public key in base64 (RFC 8463), as
    /// openssl derives it.
    /// </summary>
    public static string NewEd25519Key(string keyFile)
    {
        OpenSsl("genpkey", "-algorithm", "ed25519", "-out", keyFile);
        var spki = OpenSsl("pkey", "-in", keyFile, "-pubout", "-outform", "DER");
        return Convert.ToBase64String(spki[^32..]);   // SubjectPublicKeyInfo of Ed25519: 12 bytes of prefix, then the key
    }

    private static byte[] OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return process.ExitCode == 0 ? output.ToArray() : throw new InvalidOperationException($"openssl {string.Join(' ', arguments)}: {error.Result}");
    }

    private static string Run(string script, string argument, byte[] message, string probe, string packages)
    {
        using (var check = Process.Start(new ProcessStartInfo(Python, ["-c", probe]) { RedirectStandardError = true })!)
        {
            check.WaitForExit();
            if (check.ExitCode != 0)
            {
                throw new InvalidOperationException($"{packages} is needed by this test (apt-get install {packages}); tests/run.sh installs it.");
            }
        }
        var start = new ProcessStartInfo(Python, ["-c", script, argument])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(message);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("dkim verifier failed: " + error.Result);
    }
}
