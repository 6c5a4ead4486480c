using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Snapshot.Cli.Common;

/// <summary>
/// When this process reached Main, and its -v line: the part of a request's time that passes before the engine is
/// called (the runtime's start is before Main; the logger's set-up and the connection after it).
/// </summary>
internal static partial class StartupClock
{
    private static long _main;
    private static DateTimeOffset _mainAt;

    /// <summary>Called first thing in Main.</summary>
    public static void MainReached()
    {
        _main = Stopwatch.GetTimestamp();
        _mainAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The milliseconds since Main (0 when Main did not note it: a test's in-process run).</summary>
    private static double SinceMain => _main == 0 ? 0 : Stopwatch.GetElapsedTime(_main).TotalMilliseconds;

    /// <summary>Logs "main at T UTC; logging ready +a ms; connected +b ms" (both from Main).</summary>
    public static void LogConnected(ILogger logger, double loggingReadyMs, double connectedMs)
    {
        if (_main != 0)
            Connected(logger, _mainAt.UtcDateTime, loggingReadyMs, connectedMs);
    }

    public static double Now() => SinceMain;

    [LoggerMessage(Level = LogLevel.Debug, Message = "virt-snap startup: main at {MainAt:HH:mm:ss.ffffff} UTC; logging ready +{LoggingMs:0.0} ms; connected +{ConnectedMs:0.0} ms")]
    private static partial void Connected(ILogger logger, DateTime mainAt, double loggingMs, double connectedMs);
}
