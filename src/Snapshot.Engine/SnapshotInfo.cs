namespace Snapshot.Engine;

/// <summary>Where a snapshot keeps its state, as <c>virsh snapshot-info</c> reports it.</summary>
public enum SnapshotLocation
{
    /// <summary>Inside the disk images (qcow2 internal snapshots).</summary>
    Internal,

    /// <summary>In separate files: a memory file and/or overlay images.</summary>
    External,
}

/// <summary>One disk of a snapshot, as its XML describes it.</summary>
/// <param name="Name">The target (e.g. <c>vda</c>) or source path libvirt names the disk by.</param>
/// <param name="Snapshot">What the snapshot did with the disk (null when libvirt did not say).</param>
/// <param name="Driver">The image format of the snapshot file, e.g. <c>qcow2</c>.</param>
/// <param name="File">The overlay file that external snapshots create (the new active layer).</param>
public sealed record SnapshotDisk(string Name, SnapshotMode? Snapshot, string? Driver, string? File);

/// <summary>A snapshot as libvirt describes it, parsed once from its XML.</summary>
public sealed record SnapshotInfo
{
    /// <summary>The domain the snapshot belongs to.</summary>
    public required string Domain { get; init; }

    /// <summary>The snapshot's name.</summary>
    public required string Name { get; init; }

    /// <summary>The description given at creation, if any.</summary>
    public string? Description { get; init; }

    /// <summary>libvirt's state word: <c>running</c>, <c>paused</c>, <c>shutoff</c>, <c>disk-snapshot</c>, ...</summary>
    public required SnapshotState State { get; init; }

    /// <summary>When the snapshot was taken, in seconds since the epoch as libvirt stores it.</summary>
    public required long CreationTimeUnix { get; init; }

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset CreationTime => DateTimeOffset.FromUnixTimeSeconds(CreationTimeUnix);

    /// <summary>The parent's name, or null for a root.</summary>
    public string? Parent { get; init; }

    /// <summary>Whether this is the domain's current snapshot.</summary>
    public bool IsCurrent { get; init; }

    /// <summary>Internal or external, by virsh's rule.</summary>
    public required SnapshotLocation Location { get; init; }

    /// <summary>libvirt's memory mode: <c>internal</c>, <c>external</c> or <c>no</c>; null when the XML has no memory element.</summary>
    public SnapshotMode? MemorySnapshot { get; init; }

    /// <summary>The memory file of an external snapshot with memory.</summary>
    public string? MemoryFile { get; init; }

    /// <summary>The disks and what the snapshot did with each (compared by content).</summary>
    public IReadOnlyList<SnapshotDisk> Disks { get; init => field = EquatableList<SnapshotDisk>.Of(value); } = EquatableList<SnapshotDisk>.Empty;

    /// <summary>Whether the snapshot holds the domain definition of its instant (needed to revert).</summary>
    public bool HasDomainDefinition { get; init; }

    /// <summary>True when the snapshot was made with disk-only (state <c>disk-snapshot</c>).</summary>
    public bool IsDiskOnly => State == SnapshotState.DiskSnapshot;
}

/// <summary>What <c>snapshot-info</c> shows beyond the snapshot's own XML.</summary>
/// <param name="Snapshot">The snapshot.</param>
/// <param name="Children">Its direct children.</param>
/// <param name="Descendants">All its descendants.</param>
/// <param name="HasMetadata">Whether libvirt holds metadata for it.</param>
public sealed record SnapshotDetails(SnapshotInfo Snapshot, int Children, int Descendants, bool HasMetadata)
{
    /// <summary>
    /// Whether the latest disk state of the snapshot's branch still exists (what <see cref="SnapshotRevertOptions.BranchTip"/>
    /// reverts to); null for an internal snapshot or one whose frozen images are not there.
    /// </summary>
    public bool? HasBranchTip { get; init; }
}
