namespace Snapshot.Engine;

/// <summary>A read-only, seekable view of one of the hypervisor's files, each read one ranged read of <see cref="IHypervisorFiles"/>.</summary>
internal sealed class HypervisorFileStream(IHypervisorFiles files, string path) : Stream
{
    private readonly long _length = files.Length(path);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _length - Position);
        if (count <= 0)
            return 0;
        var data = files.Read(path, Position, count);
        data.CopyTo(buffer);
        Position += data.Length;
        return data.Length;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
