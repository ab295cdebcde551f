using System.Buffers;

namespace Newsletter.Core.Delivery.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>: building a message
/// allocates nothing that outlives it. Dispose returns the array; the written bytes must not be used afterwards.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, initialCapacity));
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _written);

    public int WrittenCount => _written;

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferWriter));

    public void Clear() => _written = 0;

    /// <summary>Forgets what was written after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _written = length >= 0 && length <= _written ? length : throw new ArgumentOutOfRangeException(nameof(length));

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return Buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return Buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        // Exchange, so a second Dispose cannot return the same array to the pool twice.
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var buffer = Buffer;
        if (buffer.Length - _written >= Math.Max(1, sizeHint))
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, _written + sizeHint));
        buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
    }
}
