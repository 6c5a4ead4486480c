using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>The steps of every multi-step operation.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} of {Domain}: step {Step} {Subject}")]
    public static partial void OperationStep(ILogger logger, string operation, string domain, string step, string subject);
}
