using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>Recovery of interrupted operations.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovered the interrupted {Operation} of {Domain}: {Outcome}; done: {Done}; left: {Left}")]
    public static partial void Recovered(ILogger logger, string operation, string domain, RecoveryOutcome outcome, string done, string left);
}
