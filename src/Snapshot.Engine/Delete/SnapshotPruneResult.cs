namespace Snapshot.Engine;

/// <summary>What a prune deleted (or would delete), oldest first, and the bytes its deletes merged.</summary>
public sealed class SnapshotPruneResult : IReadOnlyList<SnapshotInfo>
{
    private readonly IReadOnlyList<SnapshotInfo> _snapshots;

    internal SnapshotPruneResult(IReadOnlyList<SnapshotInfo> snapshots, long bytesMerged)
    {
        _snapshots = snapshots;
        BytesMerged = bytesMerged;
    }

    /// <summary>The bytes the deletes' merges copied (<see cref="SnapshotDeleteResult.BytesMerged"/>, summed); 0 for a dry run.</summary>
    public long BytesMerged { get; }

    /// <inheritdoc />
    public int Count => _snapshots.Count;

    /// <inheritdoc />
    public SnapshotInfo this[int index] => _snapshots[index];

    /// <inheritdoc />
    public IEnumerator<SnapshotInfo> GetEnumerator() => _snapshots.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
