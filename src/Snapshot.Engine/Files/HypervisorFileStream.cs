namespace Snapshot.Engine;

/// <summary>
/// A read-only, seekable view of a hypervisor's file through <see cref="IHypervisorFiles.Read"/> (ranged downloads
/// when remote), so that what checks a <see cref="Stream"/> (<see cref="SaveImageHeader"/>) checks a remote file
/// the same way. Its length is read once, when it is opened.
/// </summary>
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
        var want = (int)Math.Min(buffer.Length, Math.Max(0, _length - Position));
        if (want == 0)
            return 0;
        var bytes = files.Read(path, Position, want);
        bytes.CopyTo(buffer);
        Position += bytes.Length;
        return bytes.Length;
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
