namespace Snapshot.Engine;

/// <summary>What kind of failure an engine call met. Cancellation is not a kind: it is <see cref="OperationCanceledException"/>.</summary>
public enum SnapshotErrorKind
{
    /// <summary>The operation was tried and failed.</summary>
    Failed,

    /// <summary>The request itself is wrong: bad options, options that cannot go together, bad XML.</summary>
    BadInput,

    /// <summary>No such domain or snapshot (or no current snapshot).</summary>
    NotFound,

    /// <summary>This host (libvirt, QEMU or the kernel) cannot do it.</summary>
    NotSupported,

    /// <summary>What the call would create exists already, such as a snapshot of the same name.</summary>
    AlreadyExists,

    /// <summary>The connection may not do it: a read-only connection asked to change something, or access control refused.</summary>
    AccessDenied,

    /// <summary>Another changing operation runs on the domain now (this or another process); the message names it. Retry later.</summary>
    Busy,
}
