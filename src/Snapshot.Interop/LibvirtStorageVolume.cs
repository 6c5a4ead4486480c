namespace Snapshot.Interop;

/// <summary>What <c>virStorageVolGetInfo</c> tells of a volume: its type (0 a file), size as seen by a guest, and bytes allocated on the host.</summary>
/// <param name="Type">libvirt's <c>virStorageVolType</c> (0: a file, 2: a directory).</param>
/// <param name="Capacity">Logical size in bytes (a qcow2's virtual size; a raw file's length).</param>
/// <param name="Allocation">Bytes the file occupies on its storage.</param>
public readonly record struct StorageVolumeInfo(int Type, ulong Capacity, ulong Allocation);

/// <summary>A storage volume (<c>virStorageVolPtr</c>): one of the hypervisor's files, read and written over libvirt's streams.</summary>
public sealed unsafe class LibvirtStorageVolume : IDisposable
{
    private const int ChunkSize = 256 * 1024;

    internal LibvirtStorageVolume(LibvirtConnection connection, SafeStorageVolHandle handle)
    {
        Connection = connection;
        Handle = handle;
        handle.SetParent(connection.Handle);
    }

    /// <summary>The connection the volume belongs to.</summary>
    public LibvirtConnection Connection { get; }

    internal SafeStorageVolHandle Handle { get; }

    /// <summary>The volume's path on the hypervisor (<c>virStorageVolGetPath</c>).</summary>
    public string Path => LibvirtError.CheckOwned(Interop.Libvirt.virStorageVolGetPath(Handle), nameof(Interop.Libvirt.virStorageVolGetPath));

    /// <summary>
    /// Type, capacity and allocation (<c>virStorageVolGetInfoFlags</c>); with <paramref name="physical"/>
    /// (<c>VIR_STORAGE_VOL_GET_PHYSICAL</c>) the allocation is the file's length on the host instead.
    /// </summary>
    public StorageVolumeInfo GetInfo(bool physical = false)
    {
        LibvirtError.Check(Interop.Libvirt.virStorageVolGetInfoFlags(Handle, out var info, physical ? 1u : 0u), nameof(Interop.Libvirt.virStorageVolGetInfoFlags));
        return new StorageVolumeInfo(info.Type, info.Capacity, info.Allocation);
    }

    /// <summary>The volume's XML (<c>virStorageVolGetXMLDesc</c>): format, permissions, backing store.</summary>
    public string GetXmlDesc() =>
        LibvirtError.CheckOwned(Interop.Libvirt.virStorageVolGetXMLDesc(Handle, 0), nameof(Interop.Libvirt.virStorageVolGetXMLDesc));

    /// <summary>Deletes the volume's file (<c>virStorageVolDelete</c>).</summary>
    public void Delete() =>
        LibvirtError.Check(Interop.Libvirt.virStorageVolDelete(Handle, 0), nameof(Interop.Libvirt.virStorageVolDelete));

    /// <summary>
    /// Up to <paramref name="length"/> bytes of the file from <paramref name="offset"/> (<c>virStorageVolDownload</c> over a
    /// <c>virStream</c>); fewer when the file ends first.
    /// </summary>
    public byte[] Download(long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        using var stream = NewStream();
        LibvirtError.Check(Interop.Libvirt.virStorageVolDownload(Handle, stream, (ulong)offset, (ulong)length, 0), nameof(Interop.Libvirt.virStorageVolDownload));
        var buffer = new byte[length];
        var filled = 0;
        try
        {
            fixed (byte* data = buffer)
            {
                while (filled < length)
                {
                    var got = Interop.Libvirt.virStreamRecv(stream, data + filled, (nuint)Math.Min(ChunkSize, length - filled));
                    if (got == 0)
                    {
                        break;
                    }

                    filled += LibvirtError.Check(got, nameof(Interop.Libvirt.virStreamRecv));
                }
            }

            LibvirtError.Check(Interop.Libvirt.virStreamFinish(stream), nameof(Interop.Libvirt.virStreamFinish));
        }
        catch
        {
            Abort(stream);
            throw;
        }

        return filled == length ? buffer : buffer[..filled];
    }

    /// <summary>Writes <paramref name="data"/> into the file at <paramref name="offset"/> (<c>virStorageVolUpload</c> over a <c>virStream</c>).</summary>
    public void Upload(long offset, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        using var stream = NewStream();
        LibvirtError.Check(Interop.Libvirt.virStorageVolUpload(Handle, stream, (ulong)offset, (ulong)data.Length, 0), nameof(Interop.Libvirt.virStorageVolUpload));
        try
        {
            fixed (byte* bytes = data)
            {
                var sent = 0;
                while (sent < data.Length)
                {
                    sent += LibvirtError.Check(Interop.Libvirt.virStreamSend(stream, bytes + sent, (nuint)Math.Min(ChunkSize, data.Length - sent)), nameof(Interop.Libvirt.virStreamSend));
                }
            }

            LibvirtError.Check(Interop.Libvirt.virStreamFinish(stream), nameof(Interop.Libvirt.virStreamFinish));
        }
        catch
        {
            Abort(stream);
            throw;
        }
    }

    /// <summary>Releases the volume object (<c>virStorageVolFree</c>); the file is untouched.</summary>
    public void Dispose() => Handle.Dispose();

    private SafeStreamHandle NewStream() =>
        LibvirtError.Check(Interop.Libvirt.virStreamNew(Connection.Handle, 0), nameof(Interop.Libvirt.virStreamNew));

    private static void Abort(SafeStreamHandle stream)
    {
        // The stream's own error is the one reported; an abort of a broken stream fails too.
        if (Interop.Libvirt.virStreamAbort(stream) < 0)
        {
            Interop.Libvirt.virResetLastError();
        }
    }
}
