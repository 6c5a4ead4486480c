using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// stdout as the commands see it: a write that fails (a full disk, a reader that went away) never throws
/// into a command, so an operation under way finishes or rolls back as it would have; the failure is
/// kept, everything after it is dropped, and <see cref="Failed"/> is cancelled so that a command that
/// only prints (an event loop) can stop. The CLI reports the failure once the command is done.
/// Writes are serialized (a snapshot point is printed from the engine's thread, as Console.Out's are).
/// </summary>
internal sealed class GuardedWriter(TextWriter inner) : TextWriter
{
    private const int Epipe = 32;

    private readonly CancellationTokenSource _failed = new();
    private readonly Lock _gate = new();

    /// <summary>Whether this is the process's stdout and that is a terminal (progress is drawn only then).</summary>
    public bool Terminal { get; init; }

    /// <summary>The first write error, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The first write error in the system's words (.NET calls a closed descriptor "access denied").</summary>
    public string? Reason => Failure is UnauthorizedAccessException { InnerException: IOException inner } ? inner.Message : Failure?.Message;

    /// <summary>Cancelled at the first write error.</summary>
    public CancellationToken Failed => _failed.Token;

    /// <summary>Whether the reader closed its end (EPIPE): the process then ends as a SIGPIPE death is reported, 141, silently.</summary>
    public bool ReaderGone => Failure is IOException { HResult: Epipe };

    public override Encoding Encoding => inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                inner.Write(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
            }
        }
    }

    public override void Flush() => Guard(inner.Flush);

    public override Task FlushAsync() => FlushAsync(CancellationToken.None);

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _failed.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Guard(Action write)
    {
        lock (_gate)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
            }
        }
    }

    private void Fail(Exception e)
    {
        Failure = e;
        _failed.Cancel();
    }
}
