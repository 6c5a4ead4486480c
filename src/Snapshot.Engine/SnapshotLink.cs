namespace Snapshot.Engine;

/// <summary>A snapshot's name and its parent's: the shape of a snapshot tree, without the rest of its description.</summary>
/// <param name="Name">The snapshot's name.</param>
/// <param name="Parent">Its parent's name, or null for a root.</param>
public sealed record SnapshotLink(string Name, string? Parent);
