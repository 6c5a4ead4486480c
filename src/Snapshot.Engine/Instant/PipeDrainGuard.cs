using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Keeps QEMU's background snapshot able to end if this process dies mid-write. QEMU 7.2 cannot fail a background
/// snapshot safely: when its pipe's reader is gone (EPIPE), as when it is cancelled, it leaves the vCPUs stuck on
/// write-protected pages for good (seen here: the vCPU thread in handle_userfault, the monitor hung). So a small
/// child process holds a second read end of the pipe and waits on a lifeline whose only write end this process
/// holds. While this process lives it reads nothing; once the lifeline closes (this process died, or the relay is
/// done) it drains what is left of the stream to /dev/null until QEMU closes the pipe. The memory file stays
/// partial; QEMU's migration completes, and recovery finds a guest that runs.
/// </summary>
internal sealed class PipeDrainGuard : IDisposable
{
    // $1: the memory pipe's descriptor, $2: the lifeline's. /proc/self/fd reopens each pipe in cat.
    private const string Script = "cat /proc/self/fd/$2 >/dev/null; exec cat /proc/self/fd/$1 >/dev/null";

    private readonly Process _child;
    private SafeFileHandle? _lifeline;

    private PipeDrainGuard(Process child, SafeFileHandle lifeline)
    {
        _child = child;
        _lifeline = lifeline;
    }

    /// <summary>Starts the guard on <paramref name="pipeRead"/>, the read end of QEMU's memory pipe.</summary>
    public static PipeDrainGuard Start(SafeFileHandle pipeRead)
    {
        var (lifelineRead, lifelineWrite) = NativeFile.CreatePipe();
        try
        {
            using (lifelineRead)
            using (var memory = NativeFile.DuplicateInheritable(pipeRead))
            using (var lifeline = NativeFile.DuplicateInheritable(lifelineRead))
            {
                var start = new ProcessStartInfo("/bin/sh")
                {
                    UseShellExecute = false,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(Script);
                start.ArgumentList.Add("virt-snap-drain");
                start.ArgumentList.Add(Number(memory));
                start.ArgumentList.Add(Number(lifeline));
                return new PipeDrainGuard(Process.Start(start)!, lifelineWrite);
            }
        }
        catch
        {
            lifelineWrite.Dispose();
            throw;
        }
    }

    /// <summary>The relay is done with the pipe (read to its end, or given up): the guard drains what is left, then ends.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _lifeline, null)?.Dispose();
        _child.Dispose();
    }

    private static string Number(SafeFileHandle handle) => handle.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
}
