using System.Runtime.InteropServices;

namespace Snapshot.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP (Ctrl-C; what CI runners and timeouts send; a closed SSH session) cancel the
/// command, so that a half-done operation rolls back or says what it left. A later signal never ends the
/// process: a cleanup under way (a guest to resume, overlays to remove) goes on, and stderr says so once.
/// Only SIGKILL ends it at once. The handlers stay until the process exits: one unregistered as the command
/// returns would let a signal still on its way (`kill -INT; kill -HUP`) end the process by its default action.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    public const string StillCleaningUp = "virt-snap: cancelling; the cleanup goes on so that the guest is not left half done (SIGKILL ends it now)";

    private const int Disposed = int.MaxValue / 2;

    // Static: held to the process's end, past Dispose, so that no garbage collection unregisters them.
    private static readonly List<PosixSignalRegistration> Registrations = [];

    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter _error;
    private int _signals;

    public SignalCancellation(TextWriter error, bool register = true)
    {
        _error = error;
        if (register)
        {
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            {
                Registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    OnSignal();
                }));
            }
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>One signal arrived: the first cancels, the second says the cleanup goes on, later ones are quiet.</summary>
    public void OnSignal()
    {
        var count = Interlocked.Increment(ref _signals);
        if (count > Disposed)
        {
            return;
        }

        if (count == 1)
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the count and here: the command has returned.
            }
        }
        else if (count == 2)
        {
            try
            {
                _error.Write(StillCleaningUp + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A terminal that hung up: the cleanup matters more than the notice.
            }
        }
    }

    /// <summary>A signal from now on is swallowed: the command has returned, the process is about to exit.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _signals, Disposed);
        _cancel.Dispose();
    }
}
