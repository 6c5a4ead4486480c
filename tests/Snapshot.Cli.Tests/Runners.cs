using System.Diagnostics;

namespace Snapshot.Cli.Tests;

/// <summary>What a user sees from one command: exit code, stdout and stderr.</summary>
public sealed record CommandOutput(int ExitCode, string Out, string Err);

/// <summary>Runs virt-snap in-process through <see cref="Cli.Run"/>.</summary>
public static class VirtSnap
{
    public static CommandOutput Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = Cli.Run(args, output, error);
        return new CommandOutput(code, output.ToString(), error.ToString());
    }
}

/// <summary>Runs libvirt's virsh as a child process (the reference).</summary>
public static class Virsh
{
    public static CommandOutput Run(params string[] args)
    {
        var start = new ProcessStartInfo("virsh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CommandOutput(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>
/// Runs a bash script in which <c>$VIRT_SNAP</c> is the real virt-snap process: for what only a process
/// shows (argument bytes that are not UTF-8, signals, a stdout that is full or closed).
/// </summary>
public static class VirtSnapShell
{
    public static string Command => "dotnet " + Path.Combine(AppContext.BaseDirectory, "virt-snap.dll");

    public static Process Start(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["VIRT_SNAP"] = Command;
        return Process.Start(start)!;
    }

    public static CommandOutput Run(string script)
    {
        using var process = Start(script);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CommandOutput(process.ExitCode, stdout.Result, stderr.Result);
    }
}
