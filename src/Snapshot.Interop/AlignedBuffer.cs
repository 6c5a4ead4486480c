using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>
/// Native memory aligned for O_DIRECT (<see cref="NativeMemory.AlignedAlloc"/>), exposed as a <see cref="Memory{T}"/>,
/// freed on dispose. The GC never moves it, so pinning is free.
/// </summary>
public sealed unsafe class AlignedBuffer : System.Buffers.MemoryManager<byte>
{
    private void* _pointer;
    private readonly int _length;

    /// <summary>Allocates <paramref name="length"/> bytes at an address that is a multiple of <paramref name="alignment"/>.</summary>
    /// <param name="length">The buffer's size in bytes; for O_DIRECT I/O a multiple of <see cref="NativeFile.DirectAlignment"/>.</param>
    /// <param name="alignment">The address alignment, a power of two.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    public AlignedBuffer(int length, int alignment = NativeFile.DirectAlignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _length = length;
        _pointer = NativeMemory.AlignedAlloc((nuint)length, (nuint)alignment);
    }

    /// <summary>The whole buffer.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<byte>(_pointer, _length);
    }

    /// <summary>The address of byte <paramref name="elementIndex"/>; the memory is native and never moves.</summary>
    /// <param name="elementIndex">The offset of the byte, from the buffer's start.</param>
    public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new((byte*)_pointer + elementIndex);

    /// <summary>Nothing to do: native memory is never pinned.</summary>
    public override void Unpin()
    {
    }

    /// <summary>Frees the native memory.</summary>
    /// <param name="disposing">Whether <see cref="IDisposable.Dispose"/> called it (the memory is freed either way).</param>
    protected override void Dispose(bool disposing)
    {
        if (_pointer is not null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
