using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Engine;

/// <summary>
/// Writes libvirt's QEMU save-image header (what <c>virsh save</c> produces and <c>virsh restore</c>
/// reads): a 16-byte magic, little-endian uint32 version=2, data_len, was_running, compressed,
/// cookieOffset, zeros up to byte 92, then the domain XML NUL-terminated and padded with zeros to
/// data_len; the QEMU migration stream starts at 92 + data_len.
/// </summary>
internal static class SaveImageWriter
{
    public const int HeaderSize = 92;
    public const int Alignment = 4096;
    public const int Version = 2;

    /// <summary>The magic while the image is being written: libvirt refuses to restore it.</summary>
    public static ReadOnlySpan<byte> PartialMagic => "LibvirtQemudPart"u8;

    /// <summary>The magic of a complete image.</summary>
    public static ReadOnlySpan<byte> CompleteMagic => "LibvirtQemudSave"u8;

    /// <summary>
    /// The header and XML block with the partial magic, sized so that the stream starts on a
    /// <see cref="Alignment"/> boundary (and libvirt-style room is left after the XML).
    /// </summary>
    public static byte[] Build(string domainXml, bool wasRunning)
    {
        ArgumentNullException.ThrowIfNull(domainXml);
        var xml = Encoding.UTF8.GetBytes(domainXml);
        var minimum = HeaderSize + xml.Length + 1;
        var total = (minimum + Alignment - 1) / Alignment * Alignment;
        var dataLen = total - HeaderSize;
        var block = new byte[total];
        PartialMagic.CopyTo(block);
        var fields = block.AsSpan(16);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[0..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[4..], (uint)dataLen);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[8..], wasRunning ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[12..], 0); // compressed: raw
        BinaryPrimitives.WriteUInt32LittleEndian(fields[16..], 0); // cookieOffset: no cookie
        xml.CopyTo(block, HeaderSize);
        return block;
    }

    /// <summary>Writes the header block at offset 0 and moves the descriptor's offset to the stream start.</summary>
    public static long WriteHeader(SafeFileHandle file, ReadOnlySpan<byte> block)
    {
        RandomAccess.Write(file, block, 0);
        Snapshot.Interop.NativeFile.Seek(file, block.Length);
        return block.Length;
    }

    /// <summary>Turns a partial image into a complete one and makes it durable.</summary>
    public static void MarkComplete(SafeFileHandle file)
    {
        RandomAccess.FlushToDisk(file);
        RandomAccess.Write(file, CompleteMagic, 0);
        RandomAccess.FlushToDisk(file);
    }
}
