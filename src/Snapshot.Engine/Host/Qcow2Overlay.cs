using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Engine;

/// <summary>
/// A new qcow2 overlay written by this process, byte for byte what <c>qemu-img create -f qcow2 -F FORMAT -b BACKING</c>
/// writes (QEMU 7.2's, which tests compare with, and 10.0's are the same file): on the way to an instant snapshot's point, qemu-img's process start and its
/// five fdatasyncs were the longest wait. The layout (QEMU's docs/interop/qcow2.txt): version 3, 64 KiB clusters,
/// 16-bit refcounts; cluster 0 holds the header, its extensions and the backing file's name, cluster 1 the refcount
/// table, cluster 2 its one refcount block, clusters 3 on the empty L1 table, which ends the file.
/// </summary>
internal static class Qcow2Overlay
{
    private const int ClusterBits = 16;
    private const int ClusterSize = 1 << ClusterBits;
    // One L2 table maps ClusterSize / 8 clusters.
    private const long BytesPerL1Entry = (long)ClusterSize / 8 * ClusterSize;
    private const int HeaderLength = 112;
    private const int MaxBackingName = 1023;
    private const int MaxL1Bytes = 32 << 20;
    private const uint Magic = 0x514649FB;
    private const uint BackingFormatExtension = 0xE2792ACA;
    private const uint FeatureNameTableExtension = 0x6803F857;

    // What qemu-img 7.2 and 10.0 name (type: 0 incompatible, 1 compatible, 2 autoclear). QEMU reads the table only to name a
    // feature it does not support; written for a file identical to qemu-img's.
    private static readonly (byte Type, byte Bit, string Name)[] FeatureNames =
    [
        (0, 0, "dirty bit"), (0, 1, "corrupt bit"), (0, 2, "external data file"), (0, 3, "compression type"),
        (0, 4, "extended L2 entries"), (1, 0, "lazy refcounts"), (2, 0, "bitmaps"), (2, 1, "raw external data"),
    ];

    private const int FeatureNameEntry = 48;

    /// <summary>
    /// The backing image's virtual size as qemu-img reads it (a raw file's length, a qcow2 header's size, rounded up to
    /// 512 bytes), or null for anything else (another format, an encrypted qcow2 or one with incompatible features, a device,
    /// whose length reads 0, a missing file): qemu-img, which reads every format and names what is wrong, makes those.
    /// </summary>
    public static long? VirtualSize(string backing, string backingFormat)
    {
        if (backingFormat is not ("raw" or "qcow2") || !File.Exists(backing))
            return null;
        // Opened, so that a symbolic link is followed to the image (FileInfo.Length is the link's own length); one that
        // cannot be opened (a dangling link, no permission) is qemu-img's to report.
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(backing, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        using var opened = file;
        long size;
        if (backingFormat == "raw")
            size = RandomAccess.GetLength(file);
        else
        {
            Span<byte> header = stackalloc byte[80];
            if (RandomAccess.Read(file, header, 0) < header.Length || BinaryPrimitives.ReadUInt32BigEndian(header) != Magic)
                return null;
            // An encrypted image (whose overlay must be encrypted too) or one with a feature this does not read (an
            // external data file, ...) is qemu-img's: it opens the image, and refuses what it cannot.
            var version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (BinaryPrimitives.ReadUInt32BigEndian(header[32..]) != 0 || version is not (2 or 3)
                || (version == 3 && BinaryPrimitives.ReadUInt64BigEndian(header[72..]) != 0))
                return null;
            size = BinaryPrimitives.ReadInt64BigEndian(header[24..]);
        }
        return size is >= 0 and < long.MaxValue - 511 ? (size + 511) & ~511L : null;
    }

    /// <summary>
    /// Writes the overlay into <paramref name="file"/>, an empty file the caller made, and flushes it to disk; false
    /// (nothing written) when <paramref name="virtualSize"/> or the backing file's name does not fit the layout.
    /// </summary>
    public static bool TryWrite(SafeFileHandle file, string backing, string backingFormat, long virtualSize)
    {
        var name = Encoding.UTF8.GetBytes(backing);
        var format = Encoding.UTF8.GetBytes(backingFormat);
        var l1Entries = (virtualSize + BytesPerL1Entry - 1) / BytesPerL1Entry;
        if (name.Length is 0 or > MaxBackingName || l1Entries is 0 || l1Entries * 8 > MaxL1Bytes || format.Length > 16)
            return false;
        var l1Clusters = (int)((l1Entries * 8 + ClusterSize - 1) / ClusterSize);

        // Every byte qemu-img writes is written, zeros too: the file's host allocation is the same, which a delete
        // reads (qemu-img info's actual-size) to choose the direction of a merge.
        var metadata = new byte[3 * ClusterSize];
        Header(name, format, virtualSize, (uint)l1Entries).CopyTo(metadata, 0);
        BinaryPrimitives.WriteUInt64BigEndian(metadata.AsSpan(ClusterSize), 2 * ClusterSize);
        for (var i = 0; i < 3 + l1Clusters; i++)
            BinaryPrimitives.WriteUInt16BigEndian(metadata.AsSpan(2 * ClusterSize + 2 * i), 1);

        RandomAccess.Write(file, metadata, 0);
        RandomAccess.Write(file, new byte[l1Entries * 8], metadata.Length);
        RandomAccess.FlushToDisk(file);
        return true;
    }

    private static byte[] Header(byte[] name, byte[] format, long virtualSize, uint l1Entries)
    {
        var formatRoom = Pad8(format.Length);
        var featuresLength = FeatureNames.Length * FeatureNameEntry;
        var nameOffset = HeaderLength + 8 + formatRoom + 8 + featuresLength + 8;
        var header = new byte[nameOffset + name.Length];
        var h = header.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(h, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], 3);
        BinaryPrimitives.WriteUInt64BigEndian(h[8..], (ulong)nameOffset);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], (uint)name.Length);
        BinaryPrimitives.WriteUInt32BigEndian(h[20..], ClusterBits);
        BinaryPrimitives.WriteInt64BigEndian(h[24..], virtualSize);
        BinaryPrimitives.WriteUInt32BigEndian(h[36..], l1Entries);
        BinaryPrimitives.WriteUInt64BigEndian(h[40..], 3 * ClusterSize);
        BinaryPrimitives.WriteUInt64BigEndian(h[48..], ClusterSize);
        BinaryPrimitives.WriteUInt32BigEndian(h[56..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(h[96..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(h[100..], HeaderLength);

        var at = HeaderLength;
        BinaryPrimitives.WriteUInt32BigEndian(h[at..], BackingFormatExtension);
        BinaryPrimitives.WriteUInt32BigEndian(h[(at + 4)..], (uint)format.Length);
        format.CopyTo(h[(at + 8)..]);
        at += 8 + formatRoom;
        BinaryPrimitives.WriteUInt32BigEndian(h[at..], FeatureNameTableExtension);
        BinaryPrimitives.WriteUInt32BigEndian(h[(at + 4)..], (uint)featuresLength);
        at += 8;
        foreach (var (type, bit, feature) in FeatureNames)
        {
            h[at] = type;
            h[at + 1] = bit;
            Encoding.ASCII.GetBytes(feature, h[(at + 2)..(at + FeatureNameEntry)]);
            at += FeatureNameEntry;
        }
        // Then the end-of-extensions marker (eight zero bytes) and the backing file's name.
        name.CopyTo(h[nameOffset..]);
        return header;
    }

    private static int Pad8(int length) => (length + 7) & ~7;
}
