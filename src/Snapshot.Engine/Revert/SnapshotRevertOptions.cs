namespace Snapshot.Engine;

/// <summary>The state a revert leaves the domain in.</summary>
public enum RevertTarget
{
    /// <summary>The state the snapshot was taken in.</summary>
    AsSnapshot,

    /// <summary>Running, whatever the snapshot's state (<c>--running</c>).</summary>
    Running,

    /// <summary>Paused (<c>--paused</c>).</summary>
    Paused,
}

/// <summary>A revert request.</summary>
public sealed record SnapshotRevertOptions
{
    /// <summary>The state to end in.</summary>
    public RevertTarget Target { get; init; } = RevertTarget.AsSnapshot;

    /// <summary>Accept risky reverts (guest ABI changes, a fresh boot from a disk-only snapshot), as virsh's <c>--force</c>.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Re-initialize the domain's UEFI NVRAM from its template when the revert starts the guest, as virsh's
    /// <c>--reset-nvram</c>: internal reverts pass <c>VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM</c>; external ones
    /// restore with <c>VIR_DOMAIN_SAVE_RESET_NVRAM</c> or boot with <c>VIR_DOMAIN_START_RESET_NVRAM</c>. A revert
    /// that leaves the domain shut off starts nothing, so nothing is reset (as libvirt's internal revert).
    /// </summary>
    public bool ResetNvram { get; init; }

    /// <summary>Delete the snapshot's descendants and the files only they use.</summary>
    public bool DiscardDescendants { get; init; }

    /// <summary>
    /// Revert to the latest disk state of the snapshot's branch (the layer the domain ran on after it, if it still
    /// exists) instead of the snapshot's own instant: defined shut off, or booted afresh with <see cref="Force"/> and
    /// <see cref="RevertTarget.Running"/>/<see cref="RevertTarget.Paused"/> (no memory is kept for that point).
    /// External snapshots only.
    /// </summary>
    public bool BranchTip { get; init; }

    /// <summary>
    /// Discard the state being left: the layer the domain ran on, when it is a revert layer virt-snap made and
    /// nothing needs, is deleted. Without it such a layer is kept: it holds a branch tip (<see cref="BranchTip"/>). A revert to
    /// an internal snapshot is refused without it when the domain's current disk is backed by the image the revert rewrites.
    /// </summary>
    public bool DiscardCurrent { get; init; }
}
