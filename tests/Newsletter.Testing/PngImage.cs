using System.Buffers.Binary;
using System.IO.Compression;

namespace Newsletter.Testing;

/// <summary>
/// A decoded PNG, as grey levels (0 black – 255 white), enough to check a screenshot's content: 8-bit greyscale,
/// RGB or RGBA, not interlaced (what Chromium writes). Alpha is composed over white.
/// </summary>
public sealed class PngImage
{
    private readonly byte[] _grey;

    private PngImage(int width, int height, byte[] grey)
    {
        Width = width;
        Height = height;
        _grey = grey;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The grey level of a pixel.</summary>
    public byte this[int x, int y] => _grey[(y * Width) + x];

    public static PngImage Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature)) throw new FormatException("not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                var (depth, colour, interlace) = (data[8], data[9], data[12]);
                channels = colour switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                if (depth != 8 || channels == 0 || interlace != 0)
                {
                    throw new FormatException($"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new ZLibStream(idat, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        inflated.ReadExactly(raw);

        var grey = new byte[width * height];
        var previous = new byte[stride];
        var line = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            raw.AsSpan((y * (stride + 1)) + 1, stride).CopyTo(line);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                line[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new FormatException("bad PNG filter " + filter),
                });
            }
            for (var x = 0; x < width; x++)
            {
                var p = line.AsSpan(x * channels, channels);
                var (r, g, bl, alpha) = channels switch
                {
                    1 => (p[0], p[0], p[0], 255),
                    2 => (p[0], p[0], p[0], p[1]),
                    3 => (p[0], p[1], p[2], 255),
                    _ => (p[0], p[1], p[2], p[3]),
                };
                var luminance = ((299 * r) + (587 * g) + (114 * bl)) / 1000;
                grey[(y * width) + x] = (byte)(((luminance * alpha) + (255 * (255 - alpha))) / 255);
            }
            (previous, line) = (line, previous);
        }
        return new PngImage(width, height, grey);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
