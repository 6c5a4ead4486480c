using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Snapshot.Cli.Common;

/// <summary>
/// -v's log: one line per entry on stderr, in the console logger's single-line form (<c>dbug: Category[id] message</c>).
/// Not Microsoft.Extensions.Logging's LoggerFactory with its console provider: setting those up took 14-18 ms of the
/// NativeAOT binary's start, inside an instant snapshot's request-to-point time (docs/benchmarks.md).
/// The lines are written by a thread of their own, as the console logger's are: a stderr that is slow to read never
/// holds up the engine, whose steps log while a guest is paused.
/// </summary>
internal sealed class StderrLog : ILoggerFactory
{
    private readonly BlockingCollection<string> _lines = new(boundedCapacity: 4096);
    private readonly TextWriter _stderr;
    private readonly Thread _writer;

    public StderrLog(TextWriter stderr)
    {
        _stderr = stderr;
        _writer = new Thread(Drain) { IsBackground = true, Name = "virt-snap -v log" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    /// <summary>Not used: -v has one destination.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    /// <summary>Writes what is queued (for at most a second: a stderr nobody reads never keeps the process from exiting).</summary>
    public void Dispose()
    {
        _lines.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(1));
    }

    private void Drain()
    {
        try
        {
            foreach (var line in _lines.GetConsumingEnumerable())
            {
                _stderr.Write(line);
            }
        }
        catch (IOException)
        {
            // stderr closed: the log has nowhere to go, the command goes on.
        }
    }

    private void Enqueue(string line)
    {
        try
        {
            _lines.Add(line);
        }
        catch (InvalidOperationException)
        {
            // Logged after Dispose (a background continuation at exit): dropped.
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(string category, StderrLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Debug and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = $"{message} {exception}";
            }

            // One entry, one line: a message's own line breaks (a libvirt error, a stack trace) become spaces.
            log.Enqueue($"{Level(logLevel)}: {category}[{eventId.Id}] {message.ReplaceLineEndings(" ")}\n");
        }
    }
}
