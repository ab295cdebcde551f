using System.Text;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Reads a CSV file as <see cref="TableRow"/>s, streaming: RFC 4180 quoting, comma or tab separated (whichever the
/// first line uses more), CRLF, LF or CR line ends (mixed too). The encoding is UTF-8 (with or without BOM) or, when
/// the bytes are not valid UTF-8, GB18030 (a superset of GBK and GB2312) — or the one given.
/// </summary>
public sealed class CsvTableReader
{
    /// <summary>Cells longer than this are cut here (plus one character) so a runaway field cannot exhaust memory; validation then rejects them.</summary>
    public const int MaxCellChars = 64 * 1024;

    static CsvTableReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// The encoding of <paramref name="path"/>: <paramref name="requested"/> (utf-8, gbk, gb18030, gb2312) when given,
    /// else by BOM, else UTF-16 by the shape of its bytes, else UTF-8 when every byte sequence is valid UTF-8, else GB18030.
    /// </summary>
    public static Encoding DetectEncoding(string path, string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim().ToLowerInvariant() switch
            {
                "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
                "gbk" or "gb18030" or "gb2312" or "cp936" => Encoding.GetEncoding("GB18030"),
                _ => throw new TableFormatException(Localization.Texts.Format("core.table.unknown_encoding", requested)),
            };
        }

        using var stream = File.OpenRead(path);
        Span<byte> bom = stackalloc byte[3];
        var n = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        if (n >= 2 && (bom[0], bom[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            return bom[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
        }
        stream.Position = 0;
        var head = new byte[8192];
        var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (Utf16Shape(head.AsSpan(0, headLength)) is { } utf16)
        {
            return utf16;
        }
        stream.Position = 0;
        return IsValidUtf8(stream) ? new UTF8Encoding(false, throwOnInvalidBytes: true) : Encoding.GetEncoding("GB18030");
    }

    /// <summary>
    /// UTF-16 without a byte-order mark (what some "Unicode text" exports write): little-endian when most odd bytes are
    /// NUL and hardly any even one, big-endian the other way round; null when the bytes have neither shape.
    /// </summary>
    internal static Encoding? Utf16Shape(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4) return null;
        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i + 1 < head.Length; i += 2)
        {
            if (head[i] == 0) evenZeros++;
            if (head[i + 1] == 0) oddZeros++;
        }
        var pairs = head.Length / 2;
        // Chinese text has few NULs (一 is 00 4E), the ASCII of addresses, separators and line ends many: a quarter is plenty.
        if (oddZeros * 4 >= pairs && evenZeros * 8 <= oddZeros) return new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
        if (evenZeros * 4 >= pairs && oddZeros * 8 <= evenZeros) return new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
        return null;
    }

    /// <summary>The rows of the file in order, blank lines included (the caller skips them).</summary>
    public static IEnumerable<TableRow> Read(string path, Encoding encoding)
    {
        // detectEncodingFromByteOrderMarks: a UTF-8 BOM is consumed rather than glued to the first header.
        using var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        foreach (var row in Read(reader, Path.GetFileName(path)))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The rows of <paramref name="reader"/>; the separator is chosen from the first line. Memory stays bounded whatever
    /// the input: a cell is cut after <see cref="MaxCellChars"/>, a record longer than
    /// <see cref="InputLimits.MaxCsvRecordChars"/> comes with a <see cref="TableRow.Problem"/> (so its row is rejected),
    /// and a record with more than <see cref="InputLimits.MaxTableColumns"/> fields or beyond
    /// <see cref="InputLimits.MaxTableRows"/> records ends the reading with a <see cref="TableFormatException"/> naming its
    /// line (<paramref name="name"/> is the file name used in it).
    /// </summary>
    public static IEnumerable<TableRow> Read(TextReader reader, string? name = null)
    {
        var input = new Input(reader);
        char? separator = null;
        var cells = new List<string>();
        var cell = new StringBuilder();
        var records = 0;

        while (true)
        {
            if (input.AtEnd) yield break;
            var startLine = input.Line;
            if (++records > InputLimits.MaxTableRows)
            {
                throw new TableFormatException(Localization.Texts.Format("core.table.too_many_lines", Where(name, startLine), InputLimits.MaxTableRows));
            }
            input.StartRecord();
            if (separator is null)
            {
                separator = ChooseSeparator(input);
            }
            cells.Clear();
            string? problem = null;
            var endOfRecord = false;
            while (!endOfRecord)
            {
                cell.Clear();
                var c = input.Peek();
                if (c == '"')
                {
                    input.Next();
                    var closed = false;
                    while (!input.AtEnd)
                    {
                        var q = input.Next();
                        if (q == '"')
                        {
                            if (input.Peek() == '"') { input.Next(); Append(cell, '"'); continue; }
                            closed = true;
                            break;
                        }
                        Append(cell, q);
                    }
                    if (!closed)
                    {
                        problem = $"a quoted field starting on line {startLine} is never closed";
                    }
                    // Text between the closing quote and the separator is kept, as spreadsheets do.
                    while (!input.AtEnd && input.Peek() is not '\r' and not '\n' && input.Peek() != separator)
                    {
                        Append(cell, input.Next());
                    }
                }
                else
                {
                    while (!input.AtEnd && input.Peek() is not '\r' and not '\n' && input.Peek() != separator)
                    {
                        Append(cell, input.Next());
                    }
                }
                cells.Add(cell.ToString());
                if (cells.Count > InputLimits.MaxTableColumns)
                {
                    throw new TableFormatException(Localization.Texts.Format("core.table.too_many_fields", Where(name, startLine), InputLimits.MaxTableColumns));
                }

                if (input.AtEnd)
                {
                    endOfRecord = true;
                }
                else if (input.Peek() == separator)
                {
                    input.Next();
                }
                else
                {
                    input.SkipLineEnd();
                    endOfRecord = true;
                }
            }
            // A cut cell already fails validation, which names its column; otherwise the line itself is the problem.
            if (problem is null && input.RecordChars > InputLimits.MaxCsvRecordChars && cells.TrueForAll(c => c.Length <= MaxCellChars))
            {
                problem = $"the line is longer than {InputLimits.MaxCsvRecordChars:N0} characters";
            }
            yield return new TableRow(startLine, cells.ToArray(), problem);
        }
    }

    private static void Append(StringBuilder cell, char c)
    {
        if (cell.Length <= MaxCellChars) cell.Append(c);
    }

    private static char ChooseSeparator(Input input)
    {
        var line = input.PeekLine();
        int commas = 0, tabs = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == ',') commas++;
            else if (!quoted && c == '\t') tabs++;
        }
        return tabs > commas ? '\t' : ',';
    }

    private static bool IsValidUtf8(Stream stream)
    {
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var buffer = new byte[1 << 16];
        var chars = new char[(1 << 16) + 4];
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            }
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>A character cursor that counts physical lines (CRLF, LF and CR each end one).</summary>
    private static string Where(string? name, int line) => name is null ? Localization.Texts.Format("core.table.line", line) : Localization.Texts.Format("core.table.file_line", name, line);

    private sealed class Input(TextReader reader)
    {
        private readonly char[] _buffer = new char[1 << 16];
        private int _pos;
        private int _len;
        private bool _eof;

        private long _consumed;
        private long _recordStart;

        public int Line { get; private set; } = 1;

        /// <summary>Characters read since <see cref="StartRecord"/>.</summary>
        public long RecordChars => _consumed - _recordStart;

        public void StartRecord() => _recordStart = _consumed;

        public bool AtEnd => !Fill();

        public char Peek() => Fill() ? _buffer[_pos] : '\0';

        public char Next()
        {
            if (!Fill()) return '\0';
            _consumed++;
            var c = _buffer[_pos++];
            if (c == '\n' || (c == '\r' && Peek() != '\n')) Line++;
            return c;
        }

        public void SkipLineEnd()
        {
            if (Peek() == '\r') Next();
            if (Peek() == '\n') Next();
        }

        /// <summary>The rest of the current line, without consuming it (at most the buffered part).</summary>
        public string PeekLine()
        {
            Fill();
            var end = _pos;
            while (end < _len && _buffer[end] is not '\r' and not '\n') end++;
            return new string(_buffer, _pos, end - _pos);
        }

        private bool Fill()
        {
            if (_pos < _len) return true;
            if (_eof) return false;
            _len = reader.Read(_buffer, 0, _buffer.Length);
            _pos = 0;
            if (_len == 0) { _eof = true; return false; }
            return true;
        }
    }
}
