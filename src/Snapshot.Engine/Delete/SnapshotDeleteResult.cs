namespace Snapshot.Engine;

/// <summary>What a delete removed.</summary>
/// <param name="Deleted">The snapshots deleted, leaves first.</param>
/// <param name="BytesMerged">The bytes its merges of disk layers copied: a block job's own count of what it copied, the allocation
/// of the layer qemu-img merged; 0 when no layer was merged (a leaf's overlay removed, MetadataOnly, an internal snapshot).</param>
public sealed record SnapshotDeleteResult(IReadOnlyList<string> Deleted, long BytesMerged);
