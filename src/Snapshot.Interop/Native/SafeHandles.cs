using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>A libvirt object handle; a child handle keeps its parent's native object alive until it is released.</summary>
internal abstract class SafeLibvirtHandle : SafeHandle
{
    private SafeHandle? _parent;

    protected SafeLibvirtHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    protected SafeLibvirtHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Holds a reference on <paramref name="parent"/> until this handle is released.</summary>
    internal void SetParent(SafeHandle parent)
    {
        if (IsInvalid)
        {
            return;
        }

        var added = false;
        parent.DangerousAddRef(ref added);
        _parent = parent;
    }

    protected sealed override bool ReleaseHandle()
    {
        var ok = Free(handle) >= 0;
        _parent?.DangerousRelease();
        _parent = null;
        return ok;
    }

    protected abstract int Free(IntPtr ptr);
}

/// <summary><c>virConnectPtr</c>, released with <c>virConnectClose</c>.</summary>
internal sealed class SafeConnectHandle : SafeLibvirtHandle
{
    public SafeConnectHandle()
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virConnectClose(ptr);
}

/// <summary><c>virDomainPtr</c>, released with <c>virDomainFree</c>.</summary>
internal sealed class SafeDomainHandle : SafeLibvirtHandle
{
    public SafeDomainHandle()
    {
    }

    internal SafeDomainHandle(IntPtr handle)
        : base(handle)
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virDomainFree(ptr);
}

/// <summary><c>virDomainSnapshotPtr</c>, released with <c>virDomainSnapshotFree</c>.</summary>
internal sealed class SafeDomainSnapshotHandle : SafeLibvirtHandle
{
    public SafeDomainSnapshotHandle()
    {
    }

    internal SafeDomainSnapshotHandle(IntPtr handle)
        : base(handle)
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virDomainSnapshotFree(ptr);
}

/// <summary><c>virStoragePoolPtr</c>, released with <c>virStoragePoolFree</c>.</summary>
internal sealed class SafeStoragePoolHandle : SafeLibvirtHandle
{
    public SafeStoragePoolHandle()
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virStoragePoolFree(ptr);
}

/// <summary><c>virStorageVolPtr</c>, released with <c>virStorageVolFree</c>.</summary>
internal sealed class SafeStorageVolHandle : SafeLibvirtHandle
{
    public SafeStorageVolHandle()
    {
    }

    internal SafeStorageVolHandle(IntPtr handle)
        : base(handle)
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virStorageVolFree(ptr);
}

/// <summary><c>virStreamPtr</c>, released with <c>virStreamFree</c>.</summary>
internal sealed class SafeStreamHandle : SafeLibvirtHandle
{
    public SafeStreamHandle()
    {
    }

    protected override int Free(IntPtr ptr) => Interop.Libvirt.virStreamFree(ptr);
}
