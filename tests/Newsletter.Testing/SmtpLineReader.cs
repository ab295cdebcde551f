namespace Newsletter.Testing;

/// <summary>CRLF-terminated lines as bytes, over a stream that may be swapped for a TLS one (hence no StreamReader).</summary>
public sealed class SmtpLineReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    public void DiscardBuffered() => _start = _end = 0;

    /// <summary>Whether bytes after the last line returned were already received.</summary>
    public bool HasBuffered => _end > _start;

    /// <returns>The line without its line end, or null at the end of the stream.</returns>
    public async Task<byte[]?> ReadLineAsync(CancellationToken ct)
    {
        var line = new MemoryStream();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                var bytes = line.ToArray();
                return bytes is [.., (byte)'\r'] ? bytes[..^1] : bytes;
            }
            line.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            var read = await stream.ReadAsync(_buffer, ct);
            if (read == 0)
            {
                return null;
            }
            _end = read;
        }
    }
}
