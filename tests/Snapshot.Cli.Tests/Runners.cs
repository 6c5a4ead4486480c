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
    /// <summary>The virsh of <paramref name="stack"/> (the second stack's runs inside its chroot).</summary>
    public static CommandOutput On(TestGuest.Stack stack, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var (code, output, error) = stack.RunVirsh(args);
        return new CommandOutput(code, output, error);
    }

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
