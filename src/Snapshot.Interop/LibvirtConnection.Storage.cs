namespace Snapshot.Interop;

/// <summary>The hypervisor's files through libvirt's storage API: pools (directories) and volumes (files).</summary>
public sealed partial class LibvirtConnection
{
    /// <summary>The active pool whose target is the directory <paramref name="path"/> (<c>virStoragePoolLookupByTargetPath</c>).</summary>
    /// <exception cref="StoragePoolNotFoundException">No active pool has that target.</exception>
    public LibvirtStoragePool LookupStoragePoolByTargetPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var handle = LibvirtError.Check(Interop.Libvirt.virStoragePoolLookupByTargetPath(Handle, path), nameof(Interop.Libvirt.virStoragePoolLookupByTargetPath));
        return new LibvirtStoragePool(this, handle);
    }

    /// <summary>Creates and starts a transient pool from its XML (<c>virStoragePoolCreateXML</c>): it is gone once destroyed.</summary>
    public LibvirtStoragePool CreateTransientStoragePool(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var handle = LibvirtError.Check(Interop.Libvirt.virStoragePoolCreateXML(Handle, xml, 0), nameof(Interop.Libvirt.virStoragePoolCreateXML));
        return new LibvirtStoragePool(this, handle);
    }

    /// <summary>The volume of an active pool at <paramref name="path"/> (<c>virStorageVolLookupByPath</c>).</summary>
    /// <exception cref="StorageVolumeNotFoundException">No active pool holds a volume at that path.</exception>
    public LibvirtStorageVolume LookupStorageVolumeByPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var handle = LibvirtError.Check(Interop.Libvirt.virStorageVolLookupByPath(Handle, path), nameof(Interop.Libvirt.virStorageVolLookupByPath));
        return new LibvirtStorageVolume(this, handle);
    }
}
