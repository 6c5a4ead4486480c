namespace Snapshot.Engine;

/// <summary>What <c>snapshot-delete</c> removes.</summary>
public enum SnapshotDeleteMode
{
    /// <summary>The snapshot alone; its children are re-parented.</summary>
    Snapshot,

    /// <summary>The snapshot and all its descendants.</summary>
    Children,

    /// <summary>The descendants, keeping the snapshot.</summary>
    ChildrenOnly,
}

/// <summary>A delete request.</summary>
/// <param name="Mode">What to remove.</param>
/// <param name="MetadataOnly">Only libvirt's metadata; files and disk contents stay.</param>
public sealed record SnapshotDeleteOptions(SnapshotDeleteMode Mode = SnapshotDeleteMode.Snapshot, bool MetadataOnly = false);
