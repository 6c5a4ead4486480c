using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Snapshot.Engine.Tests;

/// <summary>The engine's log lines into a test's output (the instant pause's breakdown, for instance), nothing asserted on them.</summary>
internal sealed class OutputLogger(ITestOutputHelper output) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        try
        {
            output.WriteLine($"[{logLevel}] {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has ended: no output to write to.
        }
    }

    public void Dispose()
    {
    }
}
