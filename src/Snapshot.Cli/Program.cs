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

        // A 64 KiB buffer: a --tree of 1,000s of snapshots is megabytes, written in 1 KiB syscalls otherwise.
        using var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 16) { AutoFlush = true, NewLine = "\n" };
        Console.SetOut(output);
        return await Cli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
    }
}
