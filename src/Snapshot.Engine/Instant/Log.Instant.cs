using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Instant snapshot {Name} of {Domain}: memory to {MemoryFile} ({Transport}), overlays {Overlays}")]
    public static partial void InstantPlanned(ILogger logger, string domain, string name, string memoryFile, string overlays, MemoryTransport transport);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instant snapshot {Name} of {Domain}: point taken {Latency} ms after the request, guest paused {PauseMs} ms ({PauseSource})")]
    public static partial void InstantPointTaken(ILogger logger, string domain, string name, double latency, double pauseMs, string pauseSource);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instant snapshot {Name} of {Domain}: {Bytes} bytes of memory written in {Seconds} s")]
    public static partial void InstantMemoryWritten(ILogger logger, string domain, string name, long bytes, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instant snapshot {Name} of {Domain}: relay wrote {Bytes} bytes (O_DIRECT {Direct}, pipe {PipeBytes} bytes), waited {WriterSeconds} s for QEMU and {DiskSeconds} s for the disk")]
    public static partial void InstantRelayed(ILogger logger, string domain, string name, long bytes, bool direct, int pipeBytes, double writerSeconds, double diskSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instant snapshot {Name} of {Domain}: {Count} overlays created before the pause in {Milliseconds} ms")]
    public static partial void InstantOverlaysPreCreated(ILogger logger, string domain, string name, int count, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instant snapshot {Name} of {Domain}: {Step}")]
    public static partial void InstantStep(ILogger logger, string domain, string name, string step);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instant snapshot {Name} of {Domain}: to the point: {Timeline}")]
    public static partial void InstantTimeline(ILogger logger, string domain, string name, CallTimeline timeline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instant snapshot {Name} of {Domain}: QEMU's migration bandwidth limit could not be raised, so the memory is written at that limit: {Message}")]
    public static partial void InstantBandwidthKept(ILogger logger, string domain, string name, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instant snapshot {Name} of {Domain} failed while {Step}: {Message}")]
    public static partial void InstantFailed(ILogger logger, string domain, string name, string step, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instant snapshot of {Domain}: cleanup step '{Step}' failed: {Message}")]
    public static partial void InstantCleanupFailed(ILogger logger, string domain, string step, string message);
}
