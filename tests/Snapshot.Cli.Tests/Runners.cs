using System.Diagnostics;

namespace Snapshot.Cli.Tests;

/// <summary>What a user sees from one command: exit code, stdout and stderr.</summary>
public sealed record CommandOutput(int ExitCode, string Out, string Err);

/// <summary>
/// Runs virt-snap in-process through <see cref="Cli.Run"/>, or, when <c>VIRTSNAP_CLI</c> names an executable
/// (tests/run.sh's native pass: the NativeAOT binary), as that child process, so that a trim or AOT break fails these tests.
/// </summary>
public static class VirtSnap
{
    /// <summary>The published executable under test, or null for in-process runs.</summary>
    public static string? Executable { get; } = Environment.GetEnvironmentVariable("VIRTSNAP_CLI") is { Length: > 0 } path ? path : null;

    /// <summary>The start of a virt-snap child process: the executable under test, else the managed build beside the tests.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var start = Executable is { } native
            ? new ProcessStartInfo(native)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "virt-snap.dll") } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    public static CommandOutput Run(params string[] args)
    {
        if (Executable is not null)
        {
            return RunProcess(StartInfo(args));
        }

        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = Cli.Run(args, output, error);
        return new CommandOutput(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a child process to its end: exit code, stdout, stderr.</summary>
    public static CommandOutput RunProcess(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CommandOutput(process.ExitCode, stdout.Result, stderr.Result);
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

    /// <summary>
    /// What virt-snap prints for virsh's <paramref name="view"/>: the same, but snapshot-info of an external snapshot
    /// whose images exist adds virt-snap's own line after virsh's (<c>Branch tip:</c>, before the closing blank line).
    /// </summary>
    public static CommandOutput AsVirtSnap(this CommandOutput virsh, string[] view, string branchTip = "yes")
    {
        ArgumentNullException.ThrowIfNull(virsh);
        ArgumentNullException.ThrowIfNull(view);
        return view.Length > 0 && view[0] == "snapshot-info" && virsh.Out.Contains("Location:       external\n", StringComparison.Ordinal)
            ? virsh with { Out = virsh.Out.Insert(virsh.Out.Length - 1, $"Branch tip:     {branchTip}\n") }
            : virsh;
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

        return VirtSnap.RunProcess(start);
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
