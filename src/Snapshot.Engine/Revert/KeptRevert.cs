namespace Snapshot.Engine;

/// <summary>The outcome of a revert that kept the state it left.</summary>
/// <param name="Reverted">The snapshot reverted to (now current).</param>
/// <param name="Kept">The snapshot of the state left, to revert to later.</param>
public sealed record KeptRevert(SnapshotInfo Reverted, SnapshotInfo Kept);
