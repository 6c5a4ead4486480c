namespace Snapshot.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C cancels the operation; a second one ends the process.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };

        // SIGTERM (what CI runners and timeouts send) cancels like Ctrl-C, so that a half-done
        // operation rolls back or says what it left instead of dying mid-way.
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = !cancel.IsCancellationRequested;
                cancel.Cancel();
            });

        // A 64 KiB buffer: a --tree of 1,000s of snapshots is megabytes, written in 1 KiB syscalls otherwise.
        using var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 16) { AutoFlush = true, NewLine = "\n" };
        Console.SetOut(output);
        return await Cli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
    }
}
