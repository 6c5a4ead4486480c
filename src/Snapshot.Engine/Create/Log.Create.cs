using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>
/// The engine's log messages, source-generated so that disabled levels cost nothing; one part per
/// workflow, beside its code (this one: classic create).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Creating snapshot of {Domain} with flags {Flags}")]
    public static partial void Creating(ILogger logger, string domain, Snapshot.Interop.SnapshotCreateFlags flags);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Aborting {Domain}'s job failed: {Message}")]
    public static partial void AbortFailed(ILogger logger, string domain, string message);
}
