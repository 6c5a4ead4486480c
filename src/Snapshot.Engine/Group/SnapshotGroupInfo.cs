namespace Snapshot.Engine;

/// <summary>A group snapshot as recorded on the host: its members and the instant they were all paused.</summary>
/// <param name="Name">The group's name, each member's snapshot name.</param>
/// <param name="Connection">The libvirt URI the group was taken on.</param>
/// <param name="Description">The description given at create, else null.</param>
/// <param name="CreationTime">When the request reached the engine.</param>
/// <param name="Members">The members, in the order they were paused.</param>
public sealed record SnapshotGroupInfo(string Name, string Connection, string? Description, DateTimeOffset CreationTime, IReadOnlyList<SnapshotGroupMember> Members)
{
    /// <summary>The group's instant: the last member's pause, when every member was paused.</summary>
    public DateTimeOffset Instant => Members.Max(m => m.PausedAt);

    /// <summary>The window the members were paused in: from the first pause to the last.</summary>
    public TimeSpan Spread => Instant - Members.Min(m => m.PausedAt);

    /// <summary>How long every member was paused at once, from the last pause to the first resume; above zero the group is a consistent cut.</summary>
    public TimeSpan CommonPause => Members.Min(m => m.ResumedAt) - Instant;
}

/// <summary>One member of a group snapshot: a normal external snapshot of its domain, named after the group.</summary>
/// <param name="Domain">The domain's name when the group was taken.</param>
/// <param name="Uuid">The domain's UUID, by which the group finds it again.</param>
/// <param name="MemoryFile">The snapshot's memory file.</param>
/// <param name="PausedAt">When the guest was paused (libvirt's lifecycle event).</param>
/// <param name="Pause">How long its CPUs were stopped.</param>
public sealed record SnapshotGroupMember(string Domain, Guid Uuid, string MemoryFile, DateTimeOffset PausedAt, TimeSpan Pause)
{
    /// <summary>When the guest ran again.</summary>
    public DateTimeOffset ResumedAt => PausedAt + Pause;
}

/// <summary>What a group revert did.</summary>
/// <param name="Group">The group reverted to.</param>
/// <param name="Resumed">Whether the members were resumed (else they are left paused at the group's instant).</param>
/// <param name="ResumeSpread">From the first member's resume to the last's (zero when they were left paused).</param>
public sealed record SnapshotGroupRevertResult(SnapshotGroupInfo Group, bool Resumed, TimeSpan ResumeSpread);
