namespace Snapshot.Engine;

/// <summary>The memory part of a snapshot request (virsh's <c>--memspec</c>).</summary>
/// <param name="Snapshot">libvirt's mode: <c>internal</c>, <c>external</c> or <c>no</c>; null lets libvirt choose.</param>
/// <param name="File">The memory file, for <c>external</c>.</param>
public sealed record MemorySpec(string? Snapshot, string? File);

/// <summary>One disk of a snapshot request (virsh's <c>--diskspec</c>).</summary>
/// <param name="Name">The disk's target (e.g. <c>vda</c>) or source path.</param>
/// <param name="Snapshot">libvirt's mode: <c>internal</c>, <c>external</c>, <c>no</c> or <c>manual</c>.</param>
/// <param name="Driver">The overlay format, e.g. <c>qcow2</c>.</param>
/// <param name="SourceType"><c>file</c> or <c>block</c>.</param>
/// <param name="File">The overlay file (or block device).</param>
public sealed record DiskSpec(string Name, string? Snapshot = null, string? Driver = null, string? SourceType = null, string? File = null);

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

    /// <summary>Per-disk choices.</summary>
    public IReadOnlyList<DiskSpec> Disks { get; init; } = [];

    /// <summary>The creation flags.</summary>
    public SnapshotCreateModifiers Modifiers { get; init; } = new();
}
