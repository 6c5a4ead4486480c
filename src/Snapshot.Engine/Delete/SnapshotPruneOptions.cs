namespace Snapshot.Engine;

/// <summary>
/// A retention request: which snapshots <see cref="ISnapshotDomain.PruneAsync"/> deletes. Exactly one of
/// <see cref="Keep"/> and <see cref="OlderThan"/>.
/// </summary>
public sealed record SnapshotPruneOptions
{
    /// <summary>Keeps the newest <c>Keep</c> snapshots (by creation time) and deletes the others; 0 or more.</summary>
    public int? Keep { get; init; }

    /// <summary>Deletes the snapshots created longer ago than this; more than zero.</summary>
    public TimeSpan? OlderThan { get; init; }

    /// <summary>Deletes the current snapshot too when it is among them (by default it is always kept).</summary>
    public bool IncludeCurrent { get; init; }

    /// <summary>Only says which snapshots would go; nothing is changed.</summary>
    public bool DryRun { get; init; }
}
