using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>The engine's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Creating snapshot of {Domain} with flags {Flags}")]
    public static partial void Creating(ILogger logger, string domain, Snapshot.Interop.SnapshotCreateFlags flags);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Aborting {Domain}'s job failed: {Message}")]
    public static partial void AbortFailed(ILogger logger, string domain, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleting snapshot {Name} of {Domain} with flags {Flags}")]
    public static partial void Deleting(ILogger logger, string name, string domain, Snapshot.Interop.SnapshotDeleteFlags flags);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reverting {Domain} to internal snapshot {Name} with flags {Flags}")]
    public static partial void RevertingInternal(ILogger logger, string domain, string name, Snapshot.Interop.SnapshotRevertFlags flags);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed memory file {File} of deleted snapshot {Name}")]
    public static partial void RemovedMemoryFile(ILogger logger, string file, string name);
}
