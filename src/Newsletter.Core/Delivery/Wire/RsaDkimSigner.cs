using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Core.Delivery.Wire;

/// <summary>
/// DKIM signatures (RFC 6376): rsa-sha256, relaxed/relaxed canonicalisation, computed over the bytes the message is
/// written with, through .NET's RSA (OpenSSL) — about ten times cheaper per signature than a managed RSA.
/// </summary>
internal sealed class RsaDkimSigner : IDisposable
{
    private readonly RSA _rsa;
    private readonly string _domain;
    private readonly string _selector;

    private RsaDkimSigner(RSA rsa, string domain, string selector)
    {
        _rsa = rsa;
        _domain = domain;
        _selector = selector;
    }

    /// <exception cref="ArgumentException">The key file cannot be read or holds no RSA private key.</exception>
    public static RsaDkimSigner Load(DkimOptions options)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(options.KeyFile!));
            return new RsaDkimSigner(rsa, options.Domain!.Trim(), options.Selector!.Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new ArgumentException($"Dkim:KeyFile \"{options.KeyFile}\" is not a readable PEM RSA private key: {e.Message}", e);
        }
    }

    /// <summary>
    /// The DKIM-Signature header line (with its CRLF) for a message of <paramref name="headerBlock"/> (header lines,
    /// CRLF line ends) and <paramref name="body"/> (the exact bytes after the empty line). <c>h=</c> names every
    /// instance present of <paramref name="signedHeaders"/>, and those of <paramref name="overSignedHeaders"/> once
    /// more (even when absent), so a verifier fails a message to which such a field was added (RFC 6376 §5.4.2, §8.15).
    /// </summary>
    public byte[] Sign(ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> body, IReadOnlyList<string> signedHeaders,
        IReadOnlyCollection<string> overSignedHeaders, DateTimeOffset now)
    {
        Span<byte> bodyHash = stackalloc byte[32];
        HashRelaxedBody(body, bodyHash);

        var fields = Fields(headerBlock);
        var names = HeaderList(fields, signedHeaders, overSignedHeaders);
        var value = string.Create(CultureInfo.InvariantCulture,
            $" v=1; a=rsa-sha256; c=relaxed/relaxed; d={_domain}; s={_selector};\r\n\tt={now.ToUnixTimeSeconds()}; h={FoldedHeaderList(names)};\r\n\tbh={Convert.ToBase64String(bodyHash)};\r\n\tb=");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var used = new bool[fields.Count];
        foreach (var name in names)
        {
            // Each occurrence of a name in h= takes the next instance from the bottom up (RFC 6376 §5.4.2); an
            // occurrence with no instance left (over-signing) contributes nothing, as a verifier computes it.
            var index = fields.FindLastIndex(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            while (index >= 0 && used[index])
            {
                index = index == 0 ? -1 : fields.FindLastIndex(index - 1, f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            }
            if (index < 0)
            {
                continue;
            }
            used[index] = true;
            AppendRelaxedHeader(hash, name, headerBlock[fields[index].Value], crlf: true);
        }
        AppendRelaxedHeader(hash, "DKIM-Signature", Encoding.ASCII.GetBytes(value), crlf: false);
        var signature = Convert.ToBase64String(_rsa.SignHash(hash.GetHashAndReset(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        var header = new StringBuilder(value.Length + signature.Length + 40).Append("DKIM-Signature:").Append(value);
        for (var i = 0; i < signature.Length; i += 72)
        {
            // Folding inside b= is allowed: verifiers drop whitespace from the tag value.
            header.Append(i == 0 ? "" : "\r\n\t ").Append(signature, i, Math.Min(72, signature.Length - i));
        }
        return Encoding.ASCII.GetBytes(header.Append("\r\n").ToString());
    }

    /// <summary>The names of <c>h=</c>, lower case, in the order of <paramref name="signedHeaders"/>: each as often as it is present, plus once if over-signed.</summary>
    private static List<string> HeaderList(IReadOnlyList<(string Name, Range Value)> fields, IReadOnlyList<string> signedHeaders,
        IReadOnlyCollection<string> overSignedHeaders)
    {
        var names = new List<string>();
        foreach (var name in signedHeaders)
        {
            var count = fields.Count(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                + (overSignedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) ? 1 : 0);
            names.AddRange(Enumerable.Repeat(name.ToLowerInvariant(), count));
        }
        return names;
    }

    /// <summary>The h= value, folded so no header line grows past 78 characters (whitespace around ':' is allowed in h=).</summary>
    private static string FoldedHeaderList(List<string> names)
    {
        var folded = new StringBuilder();
        var line = 20;   // "\tt=1700000000; h="
        foreach (var name in names)
        {
            if (folded.Length > 0)
            {
                folded.Append(':');
                line++;
                if (line + name.Length > 76)
                {
                    folded.Append("\r\n\t ");
                    line = 2;
                }
            }
            folded.Append(name);
            line += name.Length;
        }
        return folded.ToString();
    }

    /// <summary>The header fields of a block: name, and the range of the value (after the colon, through its last CRLF).</summary>
    private static List<(string Name, Range Value)> Fields(ReadOnlySpan<byte> block)
    {
        var fields = new List<(string Name, Range Value)>();
        var at = 0;
        while (at < block.Length)
        {
            var colon = block[at..].IndexOf((byte)':');
            if (colon < 0)
            {
                break;
            }
            var name = Encoding.ASCII.GetString(block.Slice(at, colon)).Trim();
            var end = at + colon + 1;
            do
            {
                var lineEnd = block[end..].IndexOf("\r\n"u8);
                end = lineEnd < 0 ? block.Length : end + lineEnd + 2;
            }
            while (end < block.Length && block[end] is (byte)' ' or (byte)'\t');   // folded continuation lines
            fields.Add((name, (at + colon + 1)..end));
            at = end;
        }
        return fields;
    }

    public void Dispose() => _rsa.Dispose();

    /// <summary>Relaxed body canonicalisation (RFC 6376 §3.4.4) hashed with SHA-256 into <paramref name="destination"/>.</summary>
    internal static void HashRelaxedBody(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var emptyLines = 0;
        Span<byte> scratch = stackalloc byte[1024];
        while (body.Length > 0)
        {
            var end = body.IndexOf("\r\n"u8);
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 2)..];
            line = line.TrimEnd(" \t"u8);
            if (line.IsEmpty)
            {
                emptyLines++;   // only written if a non-empty line follows: trailing empty lines are dropped
                continue;
            }
            for (; emptyLines > 0; emptyLines--)
            {
                hash.AppendData("\r\n"u8);
            }
            if (line.IndexOfAny(" \t"u8) < 0)
            {
                hash.AppendData(line);   // base64 lines: no whitespace to reduce
            }
            else
            {
                var reduced = line.Length <= scratch.Length ? scratch : new byte[line.Length];
                hash.AppendData(reduced[..ReduceWhitespace(line, reduced)]);
            }
            hash.AppendData("\r\n"u8);
        }
        hash.GetHashAndReset(destination);
    }

    /// <summary>Relaxed header canonicalisation (RFC 6376 §3.4.2): lower-case name, unfolded value, one space per run of whitespace.</summary>
    private static void AppendRelaxedHeader(IncrementalHash hash, string name, ReadOnlySpan<byte> rawValue, bool crlf)
    {
        hash.AppendData(Encoding.ASCII.GetBytes(name.ToLowerInvariant() + ":"));
        var unfolded = new byte[rawValue.Length];
        var length = 0;
        foreach (var b in rawValue)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                unfolded[length++] = b;
            }
        }
        var value = unfolded.AsSpan(0, length).Trim(" \t"u8);
        var reduced = new byte[value.Length];
        hash.AppendData(reduced.AsSpan(0, ReduceWhitespace(value, reduced)));
        if (crlf)
        {
            hash.AppendData("\r\n"u8);
        }
    }

    private static int ReduceWhitespace(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var length = 0;
        var space = false;
        foreach (var b in input)
        {
            if (b is (byte)' ' or (byte)'\t')
            {
                space = true;
                continue;
            }
            if (space)
            {
                output[length++] = (byte)' ';
                space = false;
            }
            output[length++] = b;
        }
        return length;
    }
}
