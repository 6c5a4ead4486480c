namespace Snapshot.Engine;

/// <summary>What kind of failure an engine call met; the CLI turns each into its exit code.</summary>
public enum SnapshotErrorKind
{
    /// <summary>The operation was tried and failed.</summary>
    Failed = 1,

    /// <summary>The request itself is wrong: bad options, flags that cannot go together, bad XML.</summary>
    BadInput = 2,

    /// <summary>No such domain or snapshot.</summary>
    NotFound = 3,

    /// <summary>This host (libvirt, QEMU or the kernel) cannot do it.</summary>
    NotSupported = 4,

    /// <summary>The caller cancelled.</summary>
    Cancelled = 130,
}
