namespace Snapshot.Engine;

/// <summary>A group snapshot: several domains' instant snapshots at one instant, each named <see cref="Name"/>.</summary>
public sealed record SnapshotGroupCreateOptions
{
    /// <summary>The group's name, which is also each member's snapshot name.</summary>
    public required string Name { get; init; }

    /// <summary>The members, each a running QEMU domain named by its name, ID or UUID (virsh's operand), in the order they are paused.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>
    /// Where the memory files and overlays go, as <c>DIR/&lt;domain&gt;.&lt;group&gt;.mem</c> and
    /// <c>DIR/&lt;domain&gt;.&lt;group&gt;.&lt;disk&gt;.qcow2</c>; null: each memory file beside the domain's first disk
    /// image, each overlay named by libvirt's rule (the image's suffix replaced by the group's name).
    /// </summary>
    public string? Directory { get; init; }

    /// <summary>Each member snapshot's description.</summary>
    public string? Description { get; init; }
}
