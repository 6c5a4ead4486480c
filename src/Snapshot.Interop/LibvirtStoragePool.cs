namespace Snapshot.Interop;

/// <summary>A storage pool (<c>virStoragePoolPtr</c>): a directory of the hypervisor's files, reached through libvirt.</summary>
public sealed unsafe class LibvirtStoragePool : IDisposable
{
    internal LibvirtStoragePool(LibvirtConnection connection, SafeStoragePoolHandle handle)
    {
        Connection = connection;
        Handle = handle;
        handle.SetParent(connection.Handle);
    }

    /// <summary>The connection the pool belongs to.</summary>
    public LibvirtConnection Connection { get; }

    internal SafeStoragePoolHandle Handle { get; }

    /// <summary>The pool's name (<c>virStoragePoolGetName</c>).</summary>
    public string Name => LibvirtError.CheckBorrowed(Interop.Libvirt.virStoragePoolGetName(Handle), nameof(Interop.Libvirt.virStoragePoolGetName));

    /// <summary>Whether the pool outlives its deactivation (<c>virStoragePoolIsPersistent</c>); a transient one is gone once destroyed.</summary>
    public bool IsPersistent => LibvirtError.CheckBool(Interop.Libvirt.virStoragePoolIsPersistent(Handle), nameof(Interop.Libvirt.virStoragePoolIsPersistent));

    /// <summary>Reads the pool's volumes again from its target (<c>virStoragePoolRefresh</c>): files made or removed behind libvirt's back.</summary>
    public void Refresh() =>
        LibvirtError.Check(Interop.Libvirt.virStoragePoolRefresh(Handle, 0), nameof(Interop.Libvirt.virStoragePoolRefresh));

    /// <summary>Deactivates the pool (<c>virStoragePoolDestroy</c>); its files stay. A transient pool is gone after it.</summary>
    public void Destroy() =>
        LibvirtError.Check(Interop.Libvirt.virStoragePoolDestroy(Handle), nameof(Interop.Libvirt.virStoragePoolDestroy));

    /// <summary>Creates a volume from its XML (<c>virStorageVolCreateXML</c>): for a qcow2 with a <c>&lt;backingStore&gt;</c>, an overlay.</summary>
    public LibvirtStorageVolume CreateVolume(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var handle = LibvirtError.Check(Interop.Libvirt.virStorageVolCreateXML(Handle, xml, 0), nameof(Interop.Libvirt.virStorageVolCreateXML));
        return new LibvirtStorageVolume(Connection, handle);
    }

    /// <summary>The pool's volumes as libvirt last read them (<c>virStoragePoolListAllVolumes</c>). Dispose each.</summary>
    public IReadOnlyList<LibvirtStorageVolume> ListAllVolumes()
    {
        var count = LibvirtError.Check(Interop.Libvirt.virStoragePoolListAllVolumes(Handle, out var volumes, 0), nameof(Interop.Libvirt.virStoragePoolListAllVolumes));
        var result = new LibvirtStorageVolume[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                result[i] = new LibvirtStorageVolume(Connection, new SafeStorageVolHandle(volumes[i]));
            }
        }
        finally
        {
            Interop.Libc.Free(volumes);
        }

        return result;
    }

    /// <summary>Releases the pool object (<c>virStoragePoolFree</c>); the pool itself is untouched.</summary>
    public void Dispose() => Handle.Dispose();
}
