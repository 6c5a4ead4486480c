using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Group snapshot {Group}: {Count} members paused within {SpreadMs} ms, all paused at once for {CommonMs} ms")]
    public static partial void GroupPointTaken(ILogger logger, string group, int count, double spreadMs, double commonMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group snapshot {Group} failed while {Where}: {Message}")]
    public static partial void GroupFailed(ILogger logger, string group, string where, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: {Count} members reverted, resumed within {SpreadMs} ms")]
    public static partial void GroupReverted(ILogger logger, string group, int count, double spreadMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {Group}: the snapshot {Kept} of the state {Domain} left could not be deleted: {Message}")]
    public static partial void GroupKeptLeft(ILogger logger, string group, string domain, string kept, string message);
}
