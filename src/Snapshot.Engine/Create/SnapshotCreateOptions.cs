namespace Snapshot.Engine;

/// <summary>How a snapshot is taken: libvirt's creation flags as named options.</summary>
public sealed record SnapshotCreateModifiers
{
    /// <summary>Snapshot the disks only, no memory.</summary>
    public bool DiskOnly { get; init; }

    /// <summary>Keep the guest running while its memory is saved.</summary>
    public bool Live { get; init; }

    /// <summary>Take the snapshot without keeping libvirt metadata for it.</summary>
    public bool NoMetadata { get; init; }

    /// <summary>Stop the domain once the snapshot is taken.</summary>
    public bool Halt { get; init; }

    /// <summary>Freeze guest file systems through the guest agent (needs <see cref="DiskOnly"/>).</summary>
    public bool Quiesce { get; init; }

    /// <summary>All disks or none.</summary>
    public bool Atomic { get; init; }

    /// <summary>Use existing overlay files as they are.</summary>
    public bool ReuseExternal { get; init; }

    /// <summary>Register a snapshot described by a full XML (no new state is captured).</summary>
    public bool Redefine { get; init; }

    /// <summary>With <see cref="Redefine"/>: make it the current snapshot.</summary>
    public bool Current { get; init; }

    /// <summary>Validate the XML against libvirt's schema.</summary>
    public bool Validate { get; init; }

    /// <summary>
    /// Instant snapshot: the snapshot point is the moment of the request, and the guest pauses for
    /// milliseconds whatever its RAM (QEMU's background-snapshot). Implies <see cref="Live"/>.
    /// </summary>
    public bool Instant { get; init; }
}

/// <summary>A snapshot request from typed parts (what <c>snapshot-create-as</c> takes).</summary>
public sealed record SnapshotCreateOptions
{
    /// <summary>The name; null lets libvirt choose one (the creation time).</summary>
    public string? Name { get; init; }

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>The memory part, if any.</summary>
    public MemorySpec? Memory { get; init; }

    /// <summary>Per-disk choices (compared by content: two requests with equal disks are equal).</summary>
    public IReadOnlyList<DiskSpec> Disks { get; init => field = EquatableList<DiskSpec>.Of(value); } = EquatableList<DiskSpec>.Empty;

    /// <summary>The creation flags.</summary>
    public SnapshotCreateModifiers Modifiers { get; init; } = new();

    /// <summary>
    /// Called once an instant snapshot's point is taken (the guest runs again, milliseconds after the request and
    /// long before the memory is written), on the creating call's thread: keep it short. What it throws is logged
    /// and dropped; the snapshot goes on. Not called for classic snapshots.
    /// </summary>
    public Action<SnapshotPoint>? OnSnapshotPoint { get; init; }
}
