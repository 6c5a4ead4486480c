using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>The delete's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleting snapshot {Name} of {Domain} with flags {Flags}")]
    public static partial void Deleting(ILogger logger, string name, string domain, Snapshot.Interop.SnapshotDeleteFlags flags);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed memory file {File} of deleted snapshot {Name}")]
    public static partial void RemovedMemoryFile(ILogger logger, string file, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed overlay {File} of deleted snapshot {Name}: nothing needs it")]
    public static partial void RemovedOverlay(ILogger logger, string file, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept {File}, named as the memory file of deleted snapshot {Name}: it is not a libvirt save image")]
    public static partial void KeptForeignMemoryFile(ILogger logger, string file, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merged {Removed} into {Kept} ({Direction}, {Bytes} bytes) after deleting snapshot {Name}")]
    public static partial void MergedLayer(ILogger logger, string removed, string kept, MergeDirection direction, long bytes, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted snapshots {Names} of {Domain}: {Bytes} bytes merged")]
    public static partial void Deleted(ILogger logger, IReadOnlyList<string> names, string domain, long bytes);
}
