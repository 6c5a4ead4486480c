using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>
/// Calls the caller's code (event handlers, the snapshot-point callback) from inside an operation: an exception
/// it throws is logged and dropped, so a handler can neither stop an operation nor skip its rollback.
/// </summary>
internal sealed partial class UserCallbacks(ILogger logger)
{
    public void Invoke<T>(Action<T>? callback, T argument, string what)
    {
        if (callback is null)
            return;
        try
        {
            callback(argument);
        }
#pragma warning disable CA1031 // the caller's exception must not end the engine's operation; it is logged
        catch (Exception e)
#pragma warning restore CA1031
        {
            CallbackFailed(logger, what, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The caller's {What} threw; the engine went on")]
    private static partial void CallbackFailed(ILogger logger, string what, Exception exception);
}
