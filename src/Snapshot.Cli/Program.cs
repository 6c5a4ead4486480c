using Microsoft.Win32.SafeHandles;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;

namespace Snapshot.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        StartupClock.MainReached();
        // stderr too: a closed one (`2>&-`) or a terminal that hung up never ends the process mid-way.
        var error = new GuardedWriter(Console.Error);
        if (Utf8Input.CheckArguments(args) is { } notUtf8)
        {
            error.Write($"error: {notUtf8}\n");
            return ExitCodes.Usage;
        }

        // Nearly every command connects first thing: libvirt loads while the rest of the start and the parse run.
        var loading = SnapshotEngine.LoadLibvirtInBackground();
        using var signals = new SignalCancellation(error);

        // A 64 KiB buffer: a --tree of 1,000s of snapshots is megabytes, written in 1 KiB syscalls
        // otherwise. Not disposed: after a failed write there is nothing left to flush, and a flush would
        // fail again.
        var output = new GuardedWriter(new StreamWriter(OpenStdout(), bufferSize: 1 << 16) { AutoFlush = true, NewLine = "\n" })
        {
            Terminal = !Console.IsOutputRedirected,
        };
        var code = await Cli.RunAsync(args, output, error, signals.Token);
        // A command that never connects (completion, usage) would otherwise exit while libvirt initialises, which aborts the
        // NativeAOT binary about once in 125 runs (exit code 134 or 139; ProcessExitTests).
        loading.Wait(TimeSpan.FromSeconds(5));
        return code;
    }

    /// <summary>
    /// A pipe or a device: fd 1 itself, since Console's stream pretends a write to a closed pipe succeeded
    /// (and `virt-snap event --loop | head -1` would wait forever). A file: Console's stream, whose writes
    /// go where the file offset is; a FileStream keeps its own and would overwrite what stderr wrote
    /// into the same file (`>log 2>&1`).
    /// </summary>
    private static Stream OpenStdout()
    {
        try
        {
            var fd1 = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            if (!fd1.CanSeek)
            {
                return fd1;
            }

            fd1.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // fd 1 closed or read-only: Console's stream drops what it cannot write.
        }

        return Console.OpenStandardOutput();
    }
}
