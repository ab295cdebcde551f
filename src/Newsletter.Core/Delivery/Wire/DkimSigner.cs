using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Delivery.Wire;

/// <summary>
/// DKIM signatures (RFC 6376), relaxed/relaxed, computed over the bytes the message is written with: rsa-sha256 through
/// .NET's RSA (OpenSSL), and optionally a second, ed25519-sha256 signature (RFC 8463) with a key of its own selector.
/// Thread-safe: every delivery worker signs its own messages on its own thread, so signing runs on all cores at once.
/// </summary>
/// <remarks>
/// What does not change from message to message is prepared once: the keys (imported once), each signature's tag
/// prefix, and the folded <c>h=</c> list for each set of fields present. A message costs one SHA-256 pass over its
/// body (one call when the body is already in relaxed form, which is what <see cref="MessageFactory"/> writes), one
/// over its canonicalised header fields, and one private-key operation per key (RSA-2048 ≈ 250 µs, Ed25519 ≈ 30–80 µs).
/// The body hash cannot be cached per variant: every body is personalised.
/// </remarks>
internal sealed class DkimSigner : IDisposable
{
    private const int MaxCountedNames = 16;   // names whose counts fit the cache key (4 bits each)
    private readonly byte[][] _signed;        // lower-case names of h=, in order
    private readonly bool[] _overSigned;
    private readonly Key[] _keys;             // the RSA key first: its signature goes on top
    private readonly ConcurrentDictionary<long, byte[]> _headerLists = new();

    private DkimSigner(Key[] keys, IReadOnlyList<string> signedHeaders, IReadOnlyCollection<string> overSignedHeaders)
    {
        _keys = keys;
        _signed = [.. signedHeaders.Select(h => Encoding.ASCII.GetBytes(h.ToLowerInvariant()))];
        _overSigned = [.. signedHeaders.Select(h => overSignedHeaders.Contains(h, StringComparer.OrdinalIgnoreCase))];
        if (signedHeaders.Distinct(StringComparer.OrdinalIgnoreCase).Count() != signedHeaders.Count)
        {
            throw new ArgumentException("each signed header is named once", nameof(signedHeaders));
        }
    }

    /// <summary>The algorithms, in the order the signatures are written (for logs and <c>doctor</c>).</summary>
    public IReadOnlyList<string> Algorithms => [.. _keys.Select(k => k.Algorithm)];

    /// <summary>
    /// Loads the RSA key, and the Ed25519 key when <see cref="DkimOptions.Ed25519KeyFile"/> is set. The signature covers
    /// every instance present of <paramref name="signedHeaders"/>, and those of <paramref name="overSignedHeaders"/> once
    /// more (even when absent), so a verifier fails a message to which such a field was added (RFC 6376 §5.4.2, §8.15).
    /// </summary>
    /// <exception cref="ArgumentException">A key file cannot be read, or the Ed25519 settings are incomplete.</exception>
    public static DkimSigner Load(DkimOptions options, IReadOnlyList<string> signedHeaders, IReadOnlyCollection<string> overSignedHeaders)
    {
        if (string.IsNullOrWhiteSpace(options.Ed25519Selector) != string.IsNullOrWhiteSpace(options.Ed25519KeyFile))
        {
            throw new ArgumentException(Texts.Format("core.dkim.ed25519_pair", options.Selector!.Trim() + "e"));
        }
        var domain = options.Domain!.Trim();
        var keys = new List<Key> { new RsaKey(ReadRsaKey(options.KeyFile!), domain, options.Selector!.Trim()) };
        try
        {
            if (options.Ed25519Enabled)
            {
                keys.Add(new Ed25519Key(ReadEd25519Key(options.Ed25519KeyFile!), domain, options.Ed25519Selector!.Trim()));
            }
            return new DkimSigner([.. keys], signedHeaders, overSignedHeaders);
        }
        catch
        {
            keys.ForEach(k => k.Dispose());
            throw;
        }
    }

    /// <exception cref="ArgumentException">The file cannot be read or holds no RSA private key.</exception>
    public static RSA ReadRsaKey(string keyFile)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(keyFile));
            return rsa;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new ArgumentException(Texts.Format("core.dkim.rsa_key_unreadable", keyFile, e.Message), e);
        }
    }

    /// <summary>
    /// Reads a PEM <c>PRIVATE KEY</c> (PKCS#8, as <c>openssl genpkey -algorithm ed25519</c> writes it) holding an Ed25519 key.
    /// </summary>
    /// <exception cref="ArgumentException">The file cannot be read or holds no Ed25519 private key.</exception>
    public static Ed25519PrivateKeyParameters ReadEd25519Key(string keyFile)
    {
        const string Ed25519Oid = "1.3.101.112";   // RFC 8410
        try
        {
            var pem = File.ReadAllText(keyFile);
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "PRIVATE KEY")
            {
                throw new ArgumentException($"the PEM block is \"{pem[fields.Label]}\", not \"PRIVATE KEY\"");
            }
            var info = new AsnReader(Convert.FromBase64String(pem[fields.Base64Data]), AsnEncodingRules.BER).ReadSequence();
            info.ReadInteger();   // version 0 or 1 (RFC 5958)
            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (oid != Ed25519Oid)
            {
                throw new ArgumentException($"the key's algorithm is {oid}, not Ed25519 ({Ed25519Oid})");
            }
            var seed = new AsnReader(info.ReadOctetString(), AsnEncodingRules.BER).ReadOctetString();
            return seed.Length == Ed25519PrivateKeyParameters.KeySize
                ? new Ed25519PrivateKeyParameters(seed)
                : throw new ArgumentException($"the key is {seed.Length} bytes, not {Ed25519PrivateKeyParameters.KeySize}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or AsnContentException)
        {
            throw new ArgumentException(Texts.Format("core.dkim.ed25519_key_unreadable", keyFile, Path.GetFileName(keyFile), e.Message), e);
        }
    }

    /// <summary>The <c>p=</c> of the DNS record of an Ed25519 key: the raw 32-byte public key in base64 (RFC 8463 §4.2).</summary>
    public static string Ed25519PublicKey(Ed25519PrivateKeyParameters key) => Convert.ToBase64String(key.GeneratePublicKey().GetEncoded());

    /// <summary>
    /// Writes the DKIM-Signature header lines (one per key, each with its CRLF) for a message of
    /// <paramref name="headerBlock"/> (header lines, CRLF line ends) and <paramref name="body"/> (the exact bytes after
    /// the empty line) to <paramref name="output"/>.
    /// </summary>
    public void Sign(ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> body, DateTimeOffset now, PooledBufferWriter output)
    {
        Span<byte> bodyHash = stackalloc byte[32];
        HashRelaxedBody(body, bodyHash);

        // The signed fields, canonicalised once for every key; each key then appends its own DKIM-Signature field.
        using var canonical = new PooledBufferWriter(headerBlock.Length + 1024);
        var headerList = CanonicaliseSignedFields(headerBlock, canonical);
        var signedLength = canonical.WrittenCount;

        using var field = new PooledBufferWriter(1024);
        Span<byte> hash = stackalloc byte[32];
        Span<byte> signature = stackalloc byte[512];   // RSA up to 4096 bits
        foreach (var key in _keys)
        {
            // v=1; a=…; c=relaxed/relaxed; d=…; s=…;\r\n\tt=…; h=…;\r\n\tbh=…;\r\n\tb=
            field.Clear();
            field.Write(key.Prefix);
            WriteAscii(field, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            field.Write(headerList);
            var b64 = field.GetSpan(44);
            Base64.EncodeToUtf8(bodyHash, b64, out _, out var written);
            field.Advance(written);
            field.Write(";\r\n\tb="u8);

            canonical.Truncate(signedLength);
            AppendRelaxedField(canonical, "dkim-signature"u8, field.WrittenSpan["DKIM-Signature:".Length..], crlf: false);
            SHA256.HashData(canonical.WrittenSpan, hash);
            var length = key.SignHash(hash, signature);

            output.Write(field.WrittenSpan);
            WriteFoldedBase64(signature[..length], output);
            output.Write("\r\n"u8);
        }
    }

    /// <summary>
    /// Appends every instance of the signed names, in the order of <c>h=</c>, each name's instances from the bottom up
    /// (RFC 6376 §5.4.2); returns the folded <c>; h=…;\r\n\tbh=</c> part, which only depends on how many of each are present.
    /// </summary>
    private byte[] CanonicaliseSignedFields(ReadOnlySpan<byte> block, PooledBufferWriter canonical)
    {
        var lines = block.Count("\r\n"u8);
        Span<Field> fields = lines <= 32 ? stackalloc Field[32] : new Field[lines];
        fields = fields[..ParseFields(block, fields)];
        long counts = 0;
        var cacheable = _signed.Length <= MaxCountedNames;
        for (var s = 0; s < _signed.Length; s++)
        {
            var present = 0;
            for (var f = fields.Length - 1; f >= 0; f--)
            {
                var name = block.Slice(fields[f].Start, fields[f].NameLength);
                if (Ascii.EqualsIgnoreCase(name, _signed[s]))
                {
                    AppendRelaxedField(canonical, _signed[s], block[fields[f].ValueStart..fields[f].End], crlf: true);
                    present++;
                }
            }
            cacheable &= present < 15;
            counts |= (long)Math.Min(present, 15) << (4 * s);
            // An over-signed occurrence with no instance left contributes nothing, as a verifier computes it.
        }
        if (!cacheable)
        {
            return HeaderList(block, fields);
        }
        if (!_headerLists.TryGetValue(counts, out var list))
        {
            list = HeaderList(block, fields);
            if (_headerLists.Count < 64)
            {
                _headerLists[counts] = list;
            }
        }
        return list;
    }

    /// <summary>The <c>; h=…;\r\n\tbh=</c> part: each signed name as often as it is present, plus once if over-signed, folded.</summary>
    private byte[] HeaderList(ReadOnlySpan<byte> block, ReadOnlySpan<Field> fields)
    {
        var names = new List<string>();
        for (var s = 0; s < _signed.Length; s++)
        {
            var count = _overSigned[s] ? 1 : 0;
            foreach (var field in fields)
            {
                count += Ascii.EqualsIgnoreCase(block.Slice(field.Start, field.NameLength), _signed[s]) ? 1 : 0;
            }
            names.AddRange(Enumerable.Repeat(Encoding.ASCII.GetString(_signed[s]), count));
        }
        // Folded so no header line grows past 78 characters (whitespace around ':' is allowed in h=).
        var folded = new StringBuilder("; h=");
        var line = 20;   // "\tt=1700000000; h="
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                folded.Append(':');
                line++;
                if (line + names[i].Length > 76)
                {
                    folded.Append("\r\n\t ");
                    line = 2;
                }
            }
            folded.Append(names[i]);
            line += names[i].Length;
        }
        return Encoding.ASCII.GetBytes(folded.Append(";\r\n\tbh=").ToString());
    }

    /// <summary>The header fields of a block: where the name starts, its length, and the value's range (after the colon, through its last CRLF).</summary>
    private static int ParseFields(ReadOnlySpan<byte> block, Span<Field> fields)
    {
        var count = 0;
        var at = 0;
        while (at < block.Length && count < fields.Length)
        {
            var colon = block[at..].IndexOf((byte)':');
            if (colon < 0)
            {
                break;
            }
            var end = at + colon + 1;
            do
            {
                var lineEnd = block[end..].IndexOf("\r\n"u8);
                end = lineEnd < 0 ? block.Length : end + lineEnd + 2;
            }
            while (end < block.Length && block[end] is (byte)' ' or (byte)'\t');   // folded continuation lines
            var name = block.Slice(at, colon).TrimEnd(" \t"u8);
            fields[count++] = new Field(at, name.Length, at + colon + 1, end);
            at = end;
        }
        return count;
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    /// <summary>Relaxed body canonicalisation (RFC 6376 §3.4.4) hashed with SHA-256 into <paramref name="destination"/>.</summary>
    internal static void HashRelaxedBody(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        if (IsRelaxedBody(body))
        {
            SHA256.HashData(body, destination);   // our bodies: base64 lines and part headers, already canonical
            return;
        }
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
                hash.AppendData(line);
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

    /// <summary>
    /// Whether relaxed canonicalisation leaves <paramref name="body"/> as it is: it ends in exactly one CRLF, and has no
    /// tab, no run of spaces and no space before a line end (each checked in one vectorised pass).
    /// </summary>
    internal static bool IsRelaxedBody(ReadOnlySpan<byte> body) =>
        body.EndsWith("\r\n"u8) && !body.EndsWith("\r\n\r\n"u8) && body.Length > 2
        && body.IndexOf((byte)'\t') < 0 && body.IndexOf("  "u8) < 0 && body.IndexOf(" \r\n"u8) < 0;

    /// <summary>Relaxed header canonicalisation (RFC 6376 §3.4.2): lower-case name, unfolded value, one space per run of whitespace, trimmed.</summary>
    private static void AppendRelaxedField(PooledBufferWriter output, ReadOnlySpan<byte> lowerName, ReadOnlySpan<byte> rawValue, bool crlf)
    {
        var span = output.GetSpan(lowerName.Length + rawValue.Length + 3);
        lowerName.CopyTo(span);
        var length = lowerName.Length;
        span[length++] = (byte)':';
        var valueStart = length;
        var space = false;
        foreach (var b in rawValue)
        {
            switch (b)
            {
                case (byte)'\r' or (byte)'\n':
                    continue;   // unfolding
                case (byte)' ' or (byte)'\t':
                    space = true;
                    continue;
            }
            if (space && length > valueStart)
            {
                span[length++] = (byte)' ';
            }
            space = false;
            span[length++] = b;
        }
        if (crlf)
        {
            span[length++] = (byte)'\r';
            span[length++] = (byte)'\n';
        }
        output.Advance(length);
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

    /// <summary>The b= value in lines of 72 (folding inside b= is allowed: verifiers drop whitespace from the tag value).</summary>
    private static void WriteFoldedBase64(ReadOnlySpan<byte> signature, PooledBufferWriter output)
    {
        Span<byte> encoded = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(signature.Length)];
        Base64.EncodeToUtf8(signature, encoded, out _, out var length);
        encoded = encoded[..length];
        for (var i = 0; i < encoded.Length; i += 72)
        {
            if (i > 0)
            {
                output.Write("\r\n\t "u8);
            }
            output.Write(encoded.Slice(i, Math.Min(72, encoded.Length - i)));
        }
    }

    private static void WriteAscii(PooledBufferWriter output, string value)
    {
        var span = output.GetSpan(value.Length);
        output.Advance(Encoding.ASCII.GetBytes(value, span));
    }

    private readonly record struct Field(int Start, int NameLength, int ValueStart, int End);

    /// <summary>A signing key with its selector: the fixed start of its DKIM-Signature field, and its private-key operation.</summary>
    private abstract class Key(string algorithm, string domain, string selector) : IDisposable
    {
        public string Algorithm { get; } = algorithm;

        /// <summary><c>DKIM-Signature: v=1; a=…; c=relaxed/relaxed; d=…; s=…;\r\n\tt=</c></summary>
        public byte[] Prefix { get; } = Encoding.ASCII.GetBytes(
            $"DKIM-Signature: v=1; a={algorithm}; c=relaxed/relaxed; d={domain}; s={selector};\r\n\tt=");

        /// <summary>Signs the SHA-256 hash of the canonicalised fields; returns the signature's length.</summary>
        public abstract int SignHash(ReadOnlySpan<byte> hash, Span<byte> signature);

        public abstract void Dispose();
    }

    private sealed class RsaKey(RSA rsa, string domain, string selector) : Key("rsa-sha256", domain, selector)
    {
        public override int SignHash(ReadOnlySpan<byte> hash, Span<byte> signature) =>
            rsa.TrySignHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out var written)
                ? written
                : throw new CryptographicException($"an RSA signature of {rsa.KeySize} bits does not fit {signature.Length} bytes");

        public override void Dispose() => rsa.Dispose();
    }

    /// <summary>ed25519-sha256 (RFC 8463 §3): PureEdDSA over the same SHA-256 hash RSA signs.</summary>
    private sealed class Ed25519Key(Ed25519PrivateKeyParameters key, string domain, string selector) : Key("ed25519-sha256", domain, selector)
    {
        public override int SignHash(ReadOnlySpan<byte> hash, Span<byte> signature)
        {
            var message = hash.ToArray();
            var result = new byte[Ed25519PrivateKeyParameters.SignatureSize];
            key.Sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, result, 0);
            result.CopyTo(signature);
            return result.Length;
        }

        public override void Dispose() { }   // a managed key: nothing to release
    }
}
