namespace Snapshot.TestGuest;

/// <summary>A position in the guest's serial log: lines that end after it were printed after the mark.</summary>
public readonly record struct LogMark(long Offset);
