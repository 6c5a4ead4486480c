using System.Buffers.Binary;
using System.Text;

namespace Snapshot.Engine;

/// <summary>
/// Reads (never writes) the header of a libvirt QEMU save image, the memory file of an external
/// snapshot: 16-byte magic, then little-endian uint32 version, data_len, was_running, compressed,
/// cookieOffset and 14 unused words (92 bytes), then the domain XML padded to data_len, then QEMU's
/// migration stream.
/// </summary>
internal sealed record SaveImageHeader(string Magic, uint Version, uint DataLength, bool WasRunning, uint Compressed, long FileLength)
{
    public const int Size = 92;
    public const string CompleteMagic = "LibvirtQemudSave";
    public const string PartialMagic = "LibvirtQemudPart";

    // QEMU's migration stream: "QEVM" then version 3; it ends with QEMU_VM_EOF (0x01), or (QEMU 7.2,
    // seen in libvirt's save images) with QEMU_VM_VMDESCRIPTION (0x06), a big-endian uint32 length and
    // that much JSON.
    private const uint QemuFileMagic = 0x5145564D;
    private const byte QemuVmEof = 0x01;
    private const byte QemuVmDescription = 0x06;
    private const int TailProbe = 1 << 20;

    /// <summary>Where QEMU's stream starts.</summary>
    public long StreamOffset => Size + (long)DataLength;

    /// <summary>
    /// Whether <paramref name="path"/> starts with libvirt's save-image magic, complete or partial: the test of
    /// "libvirt made this file" before delete removes a memory file (a redefined snapshot may name any file).
    /// </summary>
    public static bool HasMagic(string path, IHypervisorFiles? files = null) => MagicOf(path, files) is CompleteMagic or PartialMagic;

    /// <summary>The first 16 bytes of <paramref name="path"/> as text (<see cref="CompleteMagic"/>, <see cref="PartialMagic"/> or anything), null when shorter.</summary>
    public static string? MagicOf(string path, IHypervisorFiles? files = null)
    {
        var magic = (files ?? LocalFiles.Instance).Read(path, 0, 16);
        return magic.Length < 16 ? null : Encoding.ASCII.GetString(magic);
    }

    /// <summary>Reads the header of <paramref name="path"/>; throws SnapshotException (BadInput) for anything but a libvirt save image.</summary>
    public static SaveImageHeader Read(string path, IHypervisorFiles? files = null)
    {
        // The hypervisor's file is read in three ranges (header, stream start, tail), never copied whole.
        using Stream stream = files is { IsRemote: true }
            ? new HypervisorFileStream(files, path)
            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Read(stream, path);
    }

    public static SaveImageHeader Read(Stream stream, string path) => Read(stream, path, CompleteMagic);

    /// <summary>
    /// Reads and checks an image still marked partial (the engine's own, before it marks it complete): the same
    /// checks as <see cref="Read(Stream, string)"/> but the magic, which must be <see cref="PartialMagic"/>.
    /// </summary>
    public static SaveImageHeader ReadPartial(Stream stream, string path) => Read(stream, path, PartialMagic);

    private static SaveImageHeader Read(Stream stream, string path, string expectedMagic)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> buffer = stackalloc byte[Size];
        if (stream.ReadAtLeast(buffer, Size, throwOnEndOfStream: false) < Size)
            throw Bad(path, "is too short to be a libvirt save image");
        var magic = Encoding.ASCII.GetString(buffer[..16]);
        var header = new SaveImageHeader(magic,
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..]) != 0,
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[28..]),
            stream.Length);
        if (magic == PartialMagic && expectedMagic == CompleteMagic)
            throw Bad(path, "is an incomplete save image (magic LibvirtQemudPart: its memory was never fully written)");
        if (magic != expectedMagic)
            throw Bad(path, $"is not a libvirt save image (no {expectedMagic} magic)");
        if (header.Version is < 1 or > 3 || header.DataLength == 0 || header.StreamOffset >= header.FileLength)
            throw Bad(path, "has a damaged save-image header or no memory stream after it");
        if (header.Compressed == 0)
            CheckStream(stream, header, path);
        return header;
    }

    // An uncompressed stream must start with QEMU's magic and end where QEMU ends it: a truncated
    // copy fails here instead of after the running guest was destroyed.
    private static void CheckStream(Stream stream, SaveImageHeader header, string path)
    {
        Span<byte> start = stackalloc byte[4];
        stream.Position = header.StreamOffset;
        if (stream.ReadAtLeast(start, 4, throwOnEndOfStream: false) < 4 || BinaryPrimitives.ReadUInt32BigEndian(start) != QemuFileMagic)
            throw Bad(path, "has no QEMU migration stream after its header");
        var tailLength = (int)Math.Min(TailProbe, header.FileLength - header.StreamOffset);
        var tail = new byte[tailLength];
        stream.Position = header.FileLength - tailLength;
        stream.ReadExactly(tail);
        if (!EndsLikeQemuStream(tail))
            throw Bad(path, "is truncated (its QEMU migration stream does not end where QEMU ends one)");
    }

    internal static bool EndsLikeQemuStream(ReadOnlySpan<byte> tail)
    {
        if (tail.Length > 0 && tail[^1] == QemuVmEof)
            return true;
        // The VM description ends the stream: 0x06 <be32 length> <length bytes of JSON object>.
        for (var i = tail.Length - 6; i >= 0; i--)
        {
            if (tail[i] != QemuVmDescription || tail[i + 5] != (byte)'{' || tail[^1] != (byte)'}')
                continue;
            var length = BinaryPrimitives.ReadUInt32BigEndian(tail[(i + 1)..]);
            if (length == (uint)(tail.Length - i - 5))
                return true;
        }
        return false;
    }

    private static SnapshotException Bad(string path, string what) =>
        new(SnapshotErrorKind.BadInput, $"memory file '{path}' {what}");
}
