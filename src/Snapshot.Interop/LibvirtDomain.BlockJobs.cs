namespace Snapshot.Interop;

/// <summary>A disk's block job (<c>virDomainBlockJobInfo</c>): its type and progress in bytes.</summary>
/// <param name="Type">Pull, commit, active commit, ...</param>
/// <param name="Current">Progress so far, in the job's own unit (bytes).</param>
/// <param name="End">The value <paramref name="Current"/> reaches when the job is done or, for an active commit, ready to pivot.</param>
public sealed record BlockJobInfo(DomainBlockJobType Type, ulong Current, ulong End);

public sealed unsafe partial class LibvirtDomain
{
    /// <summary>
    /// Starts committing the layers from <paramref name="top"/> (null: the active layer) into <paramref name="base"/> (null: the bottom) of disk
    /// <paramref name="disk"/> (<c>virDomainBlockCommit</c>), at most <paramref name="bandwidth"/> MiB/s (bytes/s with
    /// <see cref="DomainBlockCommitFlags.BandwidthBytes"/>; 0: unlimited).
    /// </summary>
    public void BlockCommit(string disk, string? @base, string? top, DomainBlockCommitFlags flags = 0, ulong bandwidth = 0)
    {
        ArgumentNullException.ThrowIfNull(disk);
        LibvirtError.Check(Interop.Libvirt.virDomainBlockCommit(Handle, disk, @base, top, (nuint)bandwidth, (uint)flags), nameof(Interop.Libvirt.virDomainBlockCommit));
    }

    /// <summary>
    /// Starts pulling the layers above <paramref name="base"/> (null: every layer) into the active layer of disk <paramref name="disk"/>
    /// (<c>virDomainBlockRebase</c>), at most <paramref name="bandwidth"/> MiB/s (bytes/s with
    /// <see cref="DomainBlockRebaseFlags.BandwidthBytes"/>; 0: unlimited).
    /// </summary>
    public void BlockRebase(string disk, string? @base, DomainBlockRebaseFlags flags = 0, ulong bandwidth = 0)
    {
        ArgumentNullException.ThrowIfNull(disk);
        LibvirtError.Check(Interop.Libvirt.virDomainBlockRebase(Handle, disk, @base, (nuint)bandwidth, (uint)flags), nameof(Interop.Libvirt.virDomainBlockRebase));
    }

    /// <summary>The disk's block job, or null when it has none (<c>virDomainGetBlockJobInfo</c>).</summary>
    public BlockJobInfo? GetBlockJobInfo(string disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var found = LibvirtError.Check(Interop.Libvirt.virDomainGetBlockJobInfo(Handle, disk, out var info, 0), nameof(Interop.Libvirt.virDomainGetBlockJobInfo));
        return found == 0 ? null : new BlockJobInfo((DomainBlockJobType)info.Type, info.Cur, info.End);
    }

    /// <summary>Ends the disk's block job: cancels it, or with <see cref="DomainBlockJobAbortFlags.Pivot"/> switches to its target (<c>virDomainBlockJobAbort</c>).</summary>
    public void BlockJobAbort(string disk, DomainBlockJobAbortFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(disk);
        LibvirtError.Check(Interop.Libvirt.virDomainBlockJobAbort(Handle, disk, (uint)flags), nameof(Interop.Libvirt.virDomainBlockJobAbort));
    }
}
