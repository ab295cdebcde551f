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
    /// CRLF line ends) and <paramref name="body"/> (the exact bytes after the empty line), covering those of
    /// <paramref name="signedHeaders"/> that are present.
    /// </summary>
    public byte[] Sign(ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> body, IReadOnlyList<string> signedHeaders, DateTimeOffset now)
    {
        Span<byte> bodyHash = stackalloc byte[32];
        HashRelaxedBody(body, bodyHash);

        var fields = Fields(headerBlock);
        var present = signedHeaders.Where(name => fields.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        var value = string.Create(CultureInfo.InvariantCulture,
            $" v=1; a=rsa-sha256; c=relaxed/relaxed; d={_domain}; s={_selector};\r\n\tt={now.ToUnixTimeSeconds()}; h={string.Join(':', present).ToLowerInvariant()};\r\n\tbh={Convert.ToBase64String(bodyHash)};\r\n\tb=");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in present)
        {
            // h= names each header once, so the bottom-most instance is the one signed (RFC 6376 §5.4.2).
            var field = fields.Last(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            AppendRelaxedHeader(hash, name, headerBlock[field.Value], crlf: true);
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
