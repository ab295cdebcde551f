using System.Text;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Turns the bytes of a source file into text: UTF-8 (with or without BOM), UTF-16 with a BOM, or — when the bytes are
/// not valid UTF-8 — GB18030 (a superset of GBK and GB2312, what Chinese Windows editors save). Empty files, binary
/// files and bytes that are valid in neither encoding are reported as errors, never guessed at.
/// </summary>
public static class SourceTextDecoder
{
    /// <summary>Share of control characters (other than tab, line feed, carriage return, form feed) above which a file is binary.</summary>
    public const double MaxControlShare = 0.02;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    private static readonly Lazy<Encoding> StrictGb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    /// <summary>The outcome of decoding.</summary>
    /// <param name="Text">The text without BOM; null when <paramref name="Error"/> is set.</param>
    /// <param name="EncodingName">"UTF-8", "UTF-16" or "GB18030"; null on error.</param>
    /// <param name="Error">Why the bytes are not usable text, with the file as position.</param>
    public sealed record Result(string? Text, string? EncodingName, SourceError? Error);

    /// <summary>Decodes <paramref name="bytes"/> read from <paramref name="path"/> (used in the error only).</summary>
    public static Result Decode(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.IsEmpty)
        {
            return Fail(path, Texts.Get("core.file.empty"), Texts.Get("core.file.empty_hint"));
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Check(TryDecode(StrictUtf8, bytes[3..]), "UTF-8", path)
                ?? Fail(path, Texts.Get("core.file.bad_utf8_bom"), Texts.Get("core.file.save_utf8"));
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = bytes[0] == 0xFF
                ? new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true)
                : new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
            return Check(TryDecode(utf16, bytes[2..]), "UTF-16", path)
                ?? Fail(path, Texts.Get("core.file.bad_utf16_bom"), Texts.Get("core.file.save_utf8"));
        }

        if (bytes.Contains((byte)0))
        {
            return Binary(path);
        }
        return Check(TryDecode(StrictUtf8, bytes), "UTF-8", path)
            ?? Check(TryDecode(StrictGb18030.Value, bytes), "GB18030", path)
            ?? Fail(path, Texts.Get("core.file.unknown_encoding"), Texts.Get("core.file.unknown_encoding_hint"));
    }

    private static string? TryDecode(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Result? Check(string? text, string encoding, string path)
    {
        if (text is null)
        {
            return null;
        }
        var controls = 0;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f'))
            {
                controls++;
            }
        }
        if (controls > 0 && controls >= text.Length * MaxControlShare)
        {
            return Binary(path);
        }
        if (string.IsNullOrWhiteSpace(text.Replace('\u3000', ' ').Replace('\uFEFF', ' ')))
        {
            return Fail(path, Texts.Get("core.file.blank"), Texts.Get("core.file.empty_hint"));
        }
        return new Result(text, encoding, null);
    }

    private static Result Binary(string path) =>
        Fail(path, Texts.Get("core.file.binary"), Texts.Get("core.file.binary_hint"));

    private static Result Fail(string path, string message, string hint) => new(null, null, new SourceError(path, 0, message, hint));
}
