namespace Snapshot.Engine;

/// <summary>Progress of a long snapshot operation (a memory write).</summary>
/// <param name="Phase">What is going on.</param>
/// <param name="BytesDone">Bytes written so far.</param>
/// <param name="BytesTotal">Bytes expected in all (0 while unknown).</param>
public sealed record SnapshotProgress(SnapshotPhase Phase, long BytesDone, long BytesTotal);

/// <summary>The moment an instant snapshot captured the guest, told as soon as it is taken.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Name">The snapshot's name.</param>
/// <param name="RequestedAt">When the request reached the engine.</param>
/// <param name="TakenAt">The snapshot point: disks frozen and the memory image's start fixed.</param>
/// <param name="GuestPause">How long the guest's CPUs were stopped.</param>
public sealed record SnapshotPoint(string Domain, string Name, DateTimeOffset RequestedAt, DateTimeOffset TakenAt, TimeSpan GuestPause);
