using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>The revert's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Reverting {Domain} to internal snapshot {Name} with flags {Flags}")]
    public static partial void RevertingInternal(ILogger logger, string domain, string name, Snapshot.Interop.SnapshotRevertFlags flags);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reverting {Domain} to external snapshot {Name}: {Start}, ending {Target}")]
    public static partial void RevertingExternal(ILogger logger, string domain, string name, RevertStart start, Snapshot.Interop.DomainState target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopped {Domain} for the revert")]
    public static partial void RevertStopped(ILogger logger, string domain);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Created overlay {Overlay} on frozen image {Frozen}")]
    public static partial void OverlayCreated(ILogger logger, string overlay, string frozen);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Raw event for {Step} of {Domain} not seen within the wait; going on")]
    public static partial void RawEventMissed(ILogger logger, string step, string domain);

    [LoggerMessage(Level = LogLevel.Error, Message = "Revert of {Domain} to {Name} failed after the domain was stopped; rolling back")]
    public static partial void RevertRollingBack(ILogger logger, string domain, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reverted {Domain}, which is now {Actual} instead of {Expected}")]
    public static partial void RevertStateUnexpected(ILogger logger, string domain, Snapshot.Interop.DomainState actual, Snapshot.Interop.DomainState expected);
}
