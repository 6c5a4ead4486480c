using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Snapshot.Engine.Tests;

/// <summary>The engine's log lines into a test's output (the instant pause's breakdown, for instance), and kept for the tests that check what the engine says it did.</summary>
internal sealed class OutputLogger(ITestOutputHelper output) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    private readonly List<string> _lines = [];

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        var line = formatter(state, exception);
        lock (_lines)
            _lines.Add(line);
        try
        {
            output.WriteLine($"[{logLevel}] {line}");
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
