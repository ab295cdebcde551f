using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Newsletter.Core.Bounces;

/// <summary>
/// Reads a returned message: an RFC 3464 DSN (<c>message/delivery-status</c> or <c>message/global-delivery-status</c>),
/// an RFC 5965 ARF complaint, an RFC 3834 auto-reply, or an MTA's own failure notice (Postfix, Sendmail, Exim, qmail,
/// Exchange, Gmail, Yahoo, SES, Tencent Exmail, Coremail …) read from its status codes, diagnostic text and returned
/// headers. Never throws on input: a malformed, truncated, huge or binary message is <see cref="ReportKind.Other"/> with
/// a reason. Thread-safe and stateless.
/// </summary>
public sealed partial class BounceParser
{
    /// <summary>Messages larger than this are not read (a report is a few kilobytes; the returned copy may be larger).</summary>
    public const int MaxMessageBytes = 8 * 1024 * 1024;

    private const int MaxParts = 200;
    private const int MaxDepth = 16;
    private const int MaxTextChars = 256 * 1024;
    private const int MaxRecipients = 500;
    private const int MaxDiagnosticChars = 400;

    static BounceParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads at most <see cref="MaxMessageBytes"/> (+1 to tell) from <paramref name="stream"/> and parses it.</summary>
    public BounceReport Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxMessageBytes)
                {
                    return BounceReport.OtherBecause($"larger than {MaxMessageBytes / (1024 * 1024)} MB; not read");
                }
            }
        }
        catch (IOException e)
        {
            return BounceReport.OtherBecause("could not be read: " + e.Message);
        }
        return Parse(buffer.ToArray());
    }

    /// <summary>Parses one message given as its raw bytes.</summary>
    public BounceReport Parse(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0) return BounceReport.OtherBecause("empty file");
        if (data.Length > MaxMessageBytes) return BounceReport.OtherBecause($"larger than {MaxMessageBytes / (1024 * 1024)} MB; not read");
        if (LooksBinary(data)) return BounceReport.OtherBecause("binary data, not a mail message");

        MimeMessage message;
        try
        {
            message = MimeMessage.Load(new MemoryStream(data, writable: false));
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or IOException)
        {
            return BounceReport.OtherBecause("not a mail message: " + e.Message);
        }
        if (message.Headers.Count == 0 || (message.From.Count == 0 && message.Subject is null && message.Headers[HeaderId.ContentType] is null))
        {
            return BounceReport.OtherBecause("not a mail message: no From, Subject or Content-Type header");
        }

        try
        {
            return new Reader(message, data).Read();
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or InvalidOperationException
                                      or DecoderFallbackException or NotSupportedException or IOException or RegexMatchTimeoutException)
        {
            // A structure the reader did not foresee: report it, never stop the pass.
            return BounceReport.OtherBecause("could not be read: " + e.Message);
        }
    }

    private static bool LooksBinary(byte[] data)
    {
        var n = Math.Min(data.Length, 64 * 1024);
        var controls = 0;
        for (var i = 0; i < n; i++)
        {
            var b = data[i];
            if (b == 0) return true;
            if (b < 9 || (b > 13 && b < 32 && b != 27)) controls++;
        }
        return controls > n / 100 + 8;
    }
}
