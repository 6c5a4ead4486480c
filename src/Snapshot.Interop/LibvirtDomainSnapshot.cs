namespace Snapshot.Interop;

/// <summary>A domain snapshot (<c>virDomainSnapshotPtr</c>); keeps its domain alive.</summary>
public sealed unsafe class LibvirtDomainSnapshot : IDisposable
{
    internal LibvirtDomainSnapshot(LibvirtDomain domain, SafeDomainSnapshotHandle handle)
    {
        Domain = domain;
        Handle = handle;
        handle.SetParent(domain.Handle);
    }

    /// <summary>The domain the snapshot belongs to.</summary>
    public LibvirtDomain Domain { get; }

    internal SafeDomainSnapshotHandle Handle { get; }

    /// <summary>The snapshot's name (<c>virDomainSnapshotGetName</c>).</summary>
    public string Name => LibvirtError.CheckBorrowed(Interop.Libvirt.virDomainSnapshotGetName(Handle), nameof(Interop.Libvirt.virDomainSnapshotGetName));

    /// <summary>Whether this is the domain's current snapshot (<c>virDomainSnapshotIsCurrent</c>).</summary>
    public bool IsCurrent => LibvirtError.CheckBool(Interop.Libvirt.virDomainSnapshotIsCurrent(Handle, 0), nameof(Interop.Libvirt.virDomainSnapshotIsCurrent));

    /// <summary>Whether libvirt keeps metadata for the snapshot (<c>virDomainSnapshotHasMetadata</c>).</summary>
    public bool HasMetadata => LibvirtError.CheckBool(Interop.Libvirt.virDomainSnapshotHasMetadata(Handle, 0), nameof(Interop.Libvirt.virDomainSnapshotHasMetadata));

    /// <summary>The snapshot's XML description (<c>virDomainSnapshotGetXMLDesc</c>).</summary>
    public string GetXmlDesc(SnapshotXmlFlags flags = 0) =>
        LibvirtError.CheckOwned(Interop.Libvirt.virDomainSnapshotGetXMLDesc(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotGetXMLDesc));

    /// <exception cref="SnapshotNotFoundException">The snapshot is a root (has no parent).</exception>
    public LibvirtDomainSnapshot GetParent()
    {
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotGetParent(Handle, 0), nameof(Interop.Libvirt.virDomainSnapshotGetParent));
        return new LibvirtDomainSnapshot(Domain, handle);
    }

    /// <summary>The snapshot's children (descendants with <see cref="SnapshotListFlags.Descendants"/>) (<c>virDomainSnapshotListAllChildren</c>). Dispose each.</summary>
    public IReadOnlyList<LibvirtDomainSnapshot> ListAllChildren(SnapshotListFlags flags = 0)
    {
        var count = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotListAllChildren(Handle, out var snapshots, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotListAllChildren));
        return TakeList(Domain, snapshots, count);
    }

    /// <summary>How many children (or descendants) pass <paramref name="flags"/> (<c>virDomainSnapshotNumChildren</c>).</summary>
    public int ChildCount(SnapshotListFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainSnapshotNumChildren(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotNumChildren));

    /// <summary>Reverts the domain to this snapshot (<c>virDomainRevertToSnapshot</c>).</summary>
    /// <exception cref="SnapshotRevertRiskyException">The revert needs <see cref="SnapshotRevertFlags.Force"/>.</exception>
    public void Revert(SnapshotRevertFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainRevertToSnapshot(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainRevertToSnapshot));

    /// <summary>Deletes the snapshot (<c>virDomainSnapshotDelete</c>).</summary>
    public void Delete(SnapshotDeleteFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainSnapshotDelete(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotDelete));

    /// <summary>Releases the snapshot object (<c>virDomainSnapshotFree</c>); the snapshot itself is untouched.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>Wraps a libvirt-allocated array of snapshot pointers (each owned) and frees the array.</summary>
    internal static LibvirtDomainSnapshot[] TakeList(LibvirtDomain domain, nint* snapshots, int count)
    {
        var result = new LibvirtDomainSnapshot[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                result[i] = new LibvirtDomainSnapshot(domain, new SafeDomainSnapshotHandle(snapshots[i]));
            }
        }
        finally
        {
            Interop.Libc.Free(snapshots);
        }

        return result;
    }
}
