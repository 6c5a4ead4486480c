using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>What happened to a domain (libvirt's <c>virDomainEventType</c>).</summary>
public enum LifecycleEventType
{
    /// <summary>Defined, or its definition changed.</summary>
    Defined,

    /// <summary>Undefined.</summary>
    Undefined,

    /// <summary>Started.</summary>
    Started,

    /// <summary>Paused.</summary>
    Suspended,

    /// <summary>Running again after a pause.</summary>
    Resumed,

    /// <summary>Stopped.</summary>
    Stopped,

    /// <summary>Shut down (the guest or the host asked; a Stopped follows).</summary>
    Shutdown,

    /// <summary>Suspended by power management (S3 or S4).</summary>
    PMSuspended,

    /// <summary>Crashed.</summary>
    Crashed,
}

/// <summary>
/// Why it happened: libvirt's detail for each <see cref="LifecycleEventType"/>, one closed set named
/// <c>TypeDetail</c>. The value is the type times 100 plus libvirt's detail number.
/// </summary>
#pragma warning disable CA1027 // not flags: the values only encode the type beside libvirt's number
public enum LifecycleEventDetail
#pragma warning restore CA1027
{
    /// <summary>Newly defined.</summary>
    DefinedAdded = 0,
    /// <summary>The definition changed.</summary>
    DefinedUpdated = 1,
    /// <summary>Renamed (the new name).</summary>
    DefinedRenamed = 2,
    /// <summary>The definition came from a snapshot (a revert).</summary>
    DefinedFromSnapshot = 3,
    /// <summary>Removed.</summary>
    UndefinedRemoved = 100,
    /// <summary>Renamed (the old name).</summary>
    UndefinedRenamed = 101,
    /// <summary>Booted.</summary>
    StartedBooted = 200,
    /// <summary>Arrived by migration.</summary>
    StartedMigrated = 201,
    /// <summary>Restored from a save image.</summary>
    StartedRestored = 202,
    /// <summary>Started by a revert to a snapshot.</summary>
    StartedFromSnapshot = 203,
    /// <summary>Woken up.</summary>
    StartedWakeup = 204,
    /// <summary>Paused by a user.</summary>
    SuspendedPaused = 300,
    /// <summary>Paused for migration.</summary>
    SuspendedMigrated = 301,
    /// <summary>Paused on a disk I/O error.</summary>
    SuspendedIOError = 302,
    /// <summary>Paused by the watchdog.</summary>
    SuspendedWatchdog = 303,
    /// <summary>Restored paused.</summary>
    SuspendedRestored = 304,
    /// <summary>Paused by a revert to a snapshot.</summary>
    SuspendedFromSnapshot = 305,
    /// <summary>Paused after a failed API call.</summary>
    SuspendedApiError = 306,
    /// <summary>Paused for post-copy migration.</summary>
    SuspendedPostcopy = 307,
    /// <summary>Paused after a failed post-copy migration.</summary>
    SuspendedPostcopyFailed = 308,
    /// <summary>Unpaused.</summary>
    ResumedUnpaused = 400,
    /// <summary>Resumed after migration.</summary>
    ResumedMigrated = 401,
    /// <summary>Resumed by a revert to a snapshot.</summary>
    ResumedFromSnapshot = 402,
    /// <summary>Resumed in post-copy migration.</summary>
    ResumedPostcopy = 403,
    /// <summary>Resumed after a failed post-copy migration.</summary>
    ResumedPostcopyFailed = 404,
    /// <summary>Shut down normally.</summary>
    StoppedShutdown = 500,
    /// <summary>Destroyed.</summary>
    StoppedDestroyed = 501,
    /// <summary>Crashed.</summary>
    StoppedCrashed = 502,
    /// <summary>Migrated away.</summary>
    StoppedMigrated = 503,
    /// <summary>Saved to a file.</summary>
    StoppedSaved = 504,
    /// <summary>The host emulator failed.</summary>
    StoppedFailed = 505,
    /// <summary>Stopped by a revert to a snapshot.</summary>
    StoppedFromSnapshot = 506,
    /// <summary>The guest finished shutting down.</summary>
    ShutdownFinished = 600,
    /// <summary>The guest asked to shut down.</summary>
    ShutdownGuest = 601,
    /// <summary>The host asked to shut down.</summary>
    ShutdownHost = 602,
    /// <summary>Suspended to memory (S3).</summary>
    PMSuspendedMemory = 700,
    /// <summary>Suspended to disk (S4).</summary>
    PMSuspendedDisk = 701,
    /// <summary>The guest panicked.</summary>
    CrashedPanicked = 800,
    /// <summary>A crash kernel was loaded.</summary>
    CrashedCrashloaded = 801,
}

/// <summary>A domain's lifecycle event: libvirt's, or one the engine reports for a revert it ran.</summary>
/// <param name="DomainName">The domain's name.</param>
/// <param name="DomainUuid">The domain's UUID.</param>
/// <param name="Type">What happened.</param>
/// <param name="Detail">Why (a detail of <paramref name="Type"/>; a value outside the enum when libvirt is newer than the engine).</param>
/// <param name="Time">When the engine received (or, for a revert, reported) it.</param>
public sealed record LifecycleEvent(string DomainName, Guid DomainUuid, LifecycleEventType Type, LifecycleEventDetail Detail, DateTimeOffset Time)
{
    /// <summary>libvirt's number for <see cref="Detail"/> within its type.</summary>
    public int DetailCode => (int)Detail - (100 * (int)Type);

    /// <summary>The detail's name within its type, e.g. <c>FromSnapshot</c>; the number when libvirt is newer than the engine.</summary>
    public string DetailName => Enum.IsDefined(Detail)
        ? Detail.ToString()[Type.ToString().Length..]
        : DetailCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The type and detail, e.g. <c>event 'lifecycle' for domain 'web1': Stopped FromSnapshot</c>.</summary>
    public override string ToString() => $"event 'lifecycle' for domain '{DomainName}': {Type} {DetailName}";

    internal static LifecycleEvent From(DomainLifecycleEvent e) =>
        new(e.DomainName, e.DomainUuid, (LifecycleEventType)e.Type, (LifecycleEventDetail)((100 * (int)e.Type) + e.Detail), e.Time);
}
