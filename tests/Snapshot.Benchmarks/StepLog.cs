using Microsoft.Extensions.Logging;

namespace Snapshot.Benchmarks;

/// <summary>The engine's log lines of one operation, with their times, to show where its pause or its time goes.</summary>
internal sealed class StepLog
{
    private readonly List<(DateTimeOffset At, string Message)> _lines = [];

    public void Add(string message)
    {
        lock (_lines)
            _lines.Add((DateTimeOffset.UtcNow, message));
    }

    public string? Find(string marker)
    {
        lock (_lines)
        {
            var line = _lines.Select(l => l.Message).LastOrDefault(m => m.Contains(marker, StringComparison.Ordinal));
            return line?[line.IndexOf(marker, StringComparison.Ordinal)..];
        }
    }

    /// <summary>
    /// How long each step of the operation took ("step NAME" lines of OperationRun, each to the next; the last
    /// to <paramref name="end"/>), in ms, the steps under 5 ms left out; then forgets the lines.
    /// </summary>
    public string StepTimes(DateTimeOffset end)
    {
        lock (_lines)
        {
            var starts = _lines.Where(l => l.Message.Contains(": step ", StringComparison.Ordinal))
                .Select(l => (l.At, Step: l.Message[(l.Message.IndexOf(": step ", StringComparison.Ordinal) + 7)..].Split(' ')[0])).ToList();
            _lines.Clear();
            var times = starts.Select((s, i) => (s.Step, Ms: ((i + 1 < starts.Count ? starts[i + 1].At : end) - s.At).TotalMilliseconds))
                .Where(t => t.Ms >= 5).Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Step} {t.Ms:0}"));
            return string.Join(", ", times);
        }
    }

    public string Describe(DateTimeOffset suspended)
    {
        lock (_lines)
        {
            var steps = _lines.Where(l => l.Message.Contains("pause:", StringComparison.Ordinal)).ToList();
            return steps.Count == 0
                ? "no pause breakdown logged"
                : "pause breakdown: " + string.Join("; ", steps.Select(s => s.Message[(s.Message.IndexOf("pause:", StringComparison.Ordinal) + 6)..].Trim()));
        }
    }
}

/// <summary>Sends the engine's log to the benchmark's logger (stderr when --verbose) and keeps its lines for the report.</summary>
internal sealed class ForwardingProvider(ILoggerFactory target, StepLog steps) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Forwarder(target.CreateLogger(categoryName), steps);

    public void Dispose()
    {
    }

    private sealed class Forwarder(ILogger inner, StepLog steps) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            steps.Add(formatter(state, exception));
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
