namespace Snapshot.Engine;

/// <summary>The filters of <c>snapshot-list</c>; each group is an "or" within and an "and" across.</summary>
public sealed record SnapshotListFilter
{
    /// <summary>Only snapshots without a parent.</summary>
    public bool Roots { get; init; }

    /// <summary>Only snapshots without children.</summary>
    public bool Leaves { get; init; }

    /// <summary>Only snapshots with children.</summary>
    public bool NoLeaves { get; init; }

    /// <summary>Only snapshots libvirt holds metadata for.</summary>
    public bool Metadata { get; init; }

    /// <summary>Only snapshots without metadata.</summary>
    public bool NoMetadata { get; init; }

    /// <summary>Only snapshots of a shut-off domain.</summary>
    public bool Inactive { get; init; }

    /// <summary>Only snapshots of a running or paused domain (with memory).</summary>
    public bool Active { get; init; }

    /// <summary>Only disk-only snapshots.</summary>
    public bool DiskOnly { get; init; }

    /// <summary>Only internal snapshots.</summary>
    public bool Internal { get; init; }

    /// <summary>Only external snapshots.</summary>
    public bool External { get; init; }

    /// <summary>Parents before their children.</summary>
    public bool Topological { get; init; }

    /// <summary>Start from this snapshot: its children (or, with <see cref="Descendants"/>, all below it).</summary>
    public string? From { get; init; }

    /// <summary>Start from the current snapshot (like <see cref="From"/>).</summary>
    public bool FromCurrent { get; init; }

    /// <summary>With <see cref="From"/> or <see cref="FromCurrent"/>: all descendants, not just children.</summary>
    public bool Descendants { get; init; }
}
