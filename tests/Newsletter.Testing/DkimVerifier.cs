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
        using (var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import dkim"]) { RedirectStandardError = true })!)
        {
            check.WaitForExit();
            if (check.ExitCode != 0)
            {
                throw new InvalidOperationException("python3-dkim is needed by this test (apt-get install python3-dkim); tests/run.sh installs it.");
            }
        }
        var start = new ProcessStartInfo(Python, ["-c", script, publicKeyBase64])
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
